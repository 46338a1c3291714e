{#- The seed-method cohort's outcomes per segment x NPS category, with 'all' rollups
    (docs/metrics.md "Linking NPS to retention and revenue"): logo churn over the linkage
    horizon (share of the cohort not active on the horizon date; binomial SE, Wilson interval)
    and net revenue retention NRR = MRR on the horizon date / MRR on the cohort date of the same
    customers (a ratio of sums; SE by linearization over customers, sqrt(sum_c (y_c - R x_c)^2)
    / X, Wald interval clipped at 0). The nps_category = 'all' rows also carry the segment's
    churn gap detractor minus promoter, SE sqrt(se_d^2 + se_p^2) (independent groups). -#}
{%- set z = var('ci_z') -%}
{%- set churned = 'totals.cohort_churned' -%}
{%- set customers = 'totals.cohort_customers' -%}

with

cohort as (

    select * from {{ ref('int_finance__linkage_cohort_customers') }}

),

rollup_flags as (

    select flags.is_rolled from (values (false), (true)) as flags (is_rolled)

),

cohort_expanded as (

    select
        case when segment_rollup.is_rolled then 'all' else cohort.segment end as segment,
        case
            when category_rollup.is_rolled then 'all' else cohort.nps_category
        end as nps_category,
        cast(cohort.is_churned as integer) as churned,
        cast(cohort.mrr_start as double) as mrr_start,
        cast(cohort.mrr_end as double) as mrr_end
    from cohort
    cross join rollup_flags as segment_rollup
    cross join rollup_flags as category_rollup

),

totals as (

    select
        segment,
        nps_category,
        count(*) as cohort_customers,
        sum(churned) as cohort_churned,
        sum(mrr_start) as cohort_mrr_start,
        sum(mrr_end) as cohort_mrr_end
    from cohort_expanded
    group by segment, nps_category

),

nrr_variance as (

    select
        cohort_expanded.segment,
        cohort_expanded.nps_category,
        sum(
            (
                cohort_expanded.mrr_end
                - totals.cohort_mrr_end / nullif(totals.cohort_mrr_start, 0)
                * cohort_expanded.mrr_start
            ) * (
                cohort_expanded.mrr_end
                - totals.cohort_mrr_end / nullif(totals.cohort_mrr_start, 0)
                * cohort_expanded.mrr_start
            )
        ) as nrr_residual_square_sum
    from cohort_expanded
    inner join totals
        on
            cohort_expanded.segment = totals.segment
            and cohort_expanded.nps_category = totals.nps_category
    group by cohort_expanded.segment, cohort_expanded.nps_category

),

outcomes as (

    select
        totals.segment,
        totals.nps_category,
        totals.cohort_customers,
        cast(totals.cohort_churned as bigint) as cohort_churned,
        cast(totals.cohort_churned as double) / totals.cohort_customers as logo_churn_rate,
        sqrt(
            cast(totals.cohort_churned as double)
            * (totals.cohort_customers - totals.cohort_churned)
            / (
                cast(totals.cohort_customers as double)
                * totals.cohort_customers
                * totals.cohort_customers
            )
        ) as logo_churn_se,
        cast({{ wilson_interval(churned, customers, z, 'lower') }} as double)
            as logo_churn_ci_low,
        cast({{ wilson_interval(churned, customers, z, 'upper') }} as double)
            as logo_churn_ci_high,
        cast(totals.cohort_mrr_start as double) as cohort_mrr_start,
        totals.cohort_mrr_end,
        totals.cohort_mrr_end / nullif(totals.cohort_mrr_start, 0) as nrr,
        sqrt(nrr_variance.nrr_residual_square_sum)
        / nullif(totals.cohort_mrr_start, 0) as nrr_se
    from totals
    inner join nrr_variance
        on
            totals.segment = nrr_variance.segment
            and totals.nps_category = nrr_variance.nps_category

),

gaps as (

    select
        detractors.segment,
        'all' as nps_category,
        detractors.logo_churn_rate - promoters.logo_churn_rate as churn_gap,
        sqrt(
            detractors.logo_churn_se * detractors.logo_churn_se
            + promoters.logo_churn_se * promoters.logo_churn_se
        ) as churn_gap_se
    from outcomes as detractors
    inner join outcomes as promoters
        on
            detractors.segment = promoters.segment
            and detractors.nps_category = 'detractor'
            and promoters.nps_category = 'promoter'

),

final as (

    select
        outcomes.*,
        -- null with nrr (a cohort without MRR on the cohort date), not 0
        {{ clipped_bound(
            'outcomes.nrr', wald_bound('outcomes.nrr', 'outcomes.nrr_se', z, 'lower'), floor='0.0'
        ) }} as nrr_ci_low,
        {{ wald_bound('outcomes.nrr', 'outcomes.nrr_se', z, 'upper') }} as nrr_ci_high,
        gaps.churn_gap as churn_gap_detractor_vs_promoter,
        gaps.churn_gap_se,
        {{ wald_bound('gaps.churn_gap', 'gaps.churn_gap_se', z, 'lower') }} as churn_gap_ci_low,
        {{ wald_bound('gaps.churn_gap', 'gaps.churn_gap_se', z, 'upper') }} as churn_gap_ci_high
    from outcomes
    left join gaps
        on outcomes.segment = gaps.segment and outcomes.nps_category = gaps.nps_category

)

select * from final
