{#- Per segment ('all' rollup included) the OLS slope of retention over the linkage horizon
    (1 = still active on the horizon date) on the cohort's +1/0/-1 NPS score, the base of the
    value of one NPS point (docs/metrics.md "Linking NPS to retention and revenue"):
    slope = sum (s_i - s_bar)(y_i - y_bar) / sum (s_i - s_bar)^2, with the
    heteroskedasticity-robust (HC0, White) SE sqrt(sum (s_i - s_bar)^2 e_i^2) /
    sum (s_i - s_bar)^2. -#}

with

cohort as (

    select * from {{ ref('int_finance__linkage_cohort_customers') }}

),

rollup_flags as (

    select flags.is_rolled from (values (false), (true)) as flags (is_rolled)

),

cohort_expanded as (

    select
        case when rollup_flags.is_rolled then 'all' else cohort.segment end as segment,
        cohort.nps_points,
        1.0 - cast(cohort.is_churned as integer) as retained
    from cohort
    cross join rollup_flags

),

means as (

    select
        segment,
        count(*) as cohort_customers,
        avg(cast(nps_points as double)) as mean_points,
        avg(retained) as mean_retained
    from cohort_expanded
    group by segment

),

deviations as (

    select
        cohort_expanded.segment,
        cohort_expanded.nps_points - means.mean_points as points_deviation,
        cohort_expanded.retained - means.mean_retained as retained_deviation
    from cohort_expanded
    inner join means
        on cohort_expanded.segment = means.segment

),

fit as (

    select
        segment,
        sum(points_deviation * retained_deviation)
        / nullif(sum(points_deviation * points_deviation), 0) as retention_slope,
        sum(points_deviation * points_deviation) as points_square_sum
    from deviations
    group by segment

),

robust_se as (

    select
        deviations.segment,
        sqrt(sum(
            deviations.points_deviation * deviations.points_deviation
            * (deviations.retained_deviation - fit.retention_slope * deviations.points_deviation)
            * (deviations.retained_deviation - fit.retention_slope * deviations.points_deviation)
        )) / nullif(fit.points_square_sum, 0) as retention_slope_se
    from deviations
    inner join fit
        on deviations.segment = fit.segment
    group by deviations.segment, fit.points_square_sum

),

final as (

    select
        means.segment,
        means.cohort_customers,
        fit.retention_slope,
        robust_se.retention_slope_se
    from means
    inner join fit
        on means.segment = fit.segment
    inner join robust_se
        on means.segment = robust_se.segment

)

select * from final
