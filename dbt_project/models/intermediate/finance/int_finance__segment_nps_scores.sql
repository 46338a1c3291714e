{#- Per segment ('all' rollup included) the three NPS variants of docs/metrics.md "Survey
    metrics" over the current accounts' answers of the linkage period, each with its SE and
    interval (var ci_z): respondent-level (every response counts), account-level (each
    account's latest answer) with the adjusted Wald interval, and revenue-weighted (the mean
    +1/0/-1 score of the answering accounts weighted by ARR, a ratio estimator whose
    linearized SE is sqrt(sum w_i^2 (s_i - m)^2) / sum w; Wald interval clipped to
    [-100, 100]); and the revenue coverage answered ARR / segment ARR of the active
    accounts. -#}
{%- set z = var('ci_z') -%}
{%- set r_p, r_n, r_d = ('promoter_responses', 'passive_responses', 'detractor_responses') -%}
{%- set a_p, a_n, a_d = ('promoter_accounts', 'passive_accounts', 'detractor_accounts') -%}
{%- set weighted, weighted_se = ('weighted_mean_points', 'weighted_points_se') -%}

-- jinja loops below generate column lists: they are not an indent level
-- sqlfluff:indentation:template_blocks_indent:False
with

current_accounts as (

    select * from {{ ref('int_finance__current_accounts') }}

),

rollup_flags as (

    select flags.is_rolled from (values (false), (true)) as flags (is_rolled)

),

accounts_expanded as (

    select
        case
            when rollup_flags.is_rolled then 'all' else current_accounts.segment
        end as segment,
        current_accounts.* exclude (segment)
    from current_accounts
    cross join rollup_flags

),

segment_sums as (

    select
        segment,
        count(*) filter (where is_active) as segment_customers,
        coalesce(sum(cast(arr as double)) filter (where is_active), 0) as segment_arr,
        coalesce(sum(cast(arr as double)) filter (
            where is_active and latest_nps_category is not null
        ), 0) as answered_arr,
        count(*) filter (where is_active and latest_nps_category is not null) as answered_customers,
        {%- for category in ['promoter', 'passive', 'detractor'] %}
        count(*) filter (
            where is_active and latest_nps_category = '{{ category }}'
        ) as {{ category }}_customers,
        coalesce(sum(cast(arr as double)) filter (
            where is_active and latest_nps_category = '{{ category }}'
        ), 0) as {{ category }}_arr,
        {%- endfor %}
        cast(sum(responses) as bigint) as responses,
        sum(promoter_responses) as promoter_responses,
        sum(passive_responses) as passive_responses,
        sum(detractor_responses) as detractor_responses,
        count(latest_nps_category) as accounts_answered,
        count(*) filter (where latest_nps_category = 'promoter') as promoter_accounts,
        count(*) filter (where latest_nps_category = 'passive') as passive_accounts,
        count(*) filter (where latest_nps_category = 'detractor') as detractor_accounts,
        sum(cast(arr as double) * latest_nps_points) filter (
            where latest_nps_category is not null
        ) / nullif(sum(cast(arr as double)) filter (
            where latest_nps_category is not null
        ), 0) as weighted_mean_points,
        sum(cast(arr as double)) filter (where latest_nps_category is not null) as weight_sum
    from accounts_expanded
    group by segment

),

weighted_variance as (

    select
        accounts_expanded.segment,
        sqrt(sum(
            cast(accounts_expanded.arr as double) * cast(accounts_expanded.arr as double)
            * (accounts_expanded.latest_nps_points - segment_sums.weighted_mean_points)
            * (accounts_expanded.latest_nps_points - segment_sums.weighted_mean_points)
        )) / nullif(segment_sums.weight_sum, 0) as weighted_points_se
    from accounts_expanded
    inner join segment_sums
        on accounts_expanded.segment = segment_sums.segment
    where accounts_expanded.latest_nps_category is not null
    group by accounts_expanded.segment, segment_sums.weight_sum

),

scores as (

    select
        segment_sums.*,
        weighted_variance.weighted_points_se
    from segment_sums
    left join weighted_variance
        on segment_sums.segment = weighted_variance.segment

),

final as (

    select
        segment,
        responses,
        {{ nps_score(r_p, r_n, r_d) }} as nps_respondent,
        {{ nps_standard_error(r_p, r_n, r_d) }} as nps_respondent_se,
        {{ adjusted_wald_nps_ci(r_p, r_n, r_d, z, 'lower') }} as nps_respondent_ci_low,
        {{ adjusted_wald_nps_ci(r_p, r_n, r_d, z, 'upper') }} as nps_respondent_ci_high,
        accounts_answered,
        {{ nps_score(a_p, a_n, a_d) }} as nps_account,
        {{ nps_standard_error(a_p, a_n, a_d) }} as nps_account_se,
        {{ adjusted_wald_nps_ci(a_p, a_n, a_d, z, 'lower') }} as nps_account_ci_low,
        {{ adjusted_wald_nps_ci(a_p, a_n, a_d, z, 'upper') }} as nps_account_ci_high,
        100.0 * weighted_mean_points as nps_revenue_weighted,
        100.0 * weighted_points_se as nps_revenue_weighted_se,
        greatest(-100.0, 100.0 * {{ wald_bound(weighted, weighted_se, z, 'lower') }})
            as nps_revenue_weighted_ci_low,
        least(100.0, 100.0 * {{ wald_bound(weighted, weighted_se, z, 'upper') }})
            as nps_revenue_weighted_ci_high,
        segment_customers,
        segment_arr,
        answered_arr,
        answered_arr / nullif(segment_arr, 0) as revenue_coverage,
        answered_customers,
        promoter_customers,
        promoter_arr,
        passive_customers,
        passive_arr,
        detractor_customers,
        detractor_arr
    from scores

)

select * from final
