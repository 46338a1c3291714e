{#- Per segment ('all' rollup included) the three NPS variants of docs/metrics.md "Survey
    metrics", all three over ONE account set so that they can be read side by side: the accounts
    active on the as-of date that answered in the linkage period (the set of `customers`, ARR
    and revenue at risk). Respondent-level (every response of those accounts), account-level
    (each account's latest answer) with the adjusted Wald interval, and revenue-weighted (the
    mean +1/0/-1 score weighted by ARR, a ratio estimator whose linearized SE is
    sqrt(sum w_i^2 (s_i - m)^2) / sum w; Wald interval clipped to [-100, 100], null where the
    estimate is); the revenue coverage answered ARR / segment ARR of the active accounts. The
    account NPS of every account that answered, including those not active now (churned since
    answering, or customers without a subscription), is kept under its own name
    (nps_account_incl_inactive): the gap to nps_account is what churn removed from the
    answers. -#}
{%- set z = var('ci_z') -%}
{%- set r_p, r_n, r_d = ('promoter_responses', 'passive_responses', 'detractor_responses') -%}
{%- set a_p, a_n, a_d = ('promoter_customers', 'passive_customers', 'detractor_customers') -%}
{%- set c_p, c_n, c_d = (
    'promoter_accounts_incl_inactive', 'passive_accounts_incl_inactive',
    'detractor_accounts_incl_inactive',
) -%}
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
        -- the active accounts' responses: the account set of the other variants
        coalesce(cast(sum(responses) filter (where is_active) as bigint), 0) as responses,
        {%- for category in ['promoter', 'passive', 'detractor'] %}
        coalesce(sum({{ category }}_responses) filter (
            where is_active
        ), 0) as {{ category }}_responses,
        {%- endfor %}
        -- every account that answered, active now or not (nps_account_incl_inactive)
        count(latest_nps_category) as accounts_answered_incl_inactive,
        {%- for category in ['promoter', 'passive', 'detractor'] %}
        count(*) filter (
            where latest_nps_category = '{{ category }}'
        ) as {{ category }}_accounts_incl_inactive,
        {%- endfor %}
        -- a churned account weighs 0 (ARR 0), so the weighted mean is over the active ones
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
        answered_customers as accounts_answered,
        {{ nps_score(a_p, a_n, a_d) }} as nps_account,
        {{ nps_standard_error(a_p, a_n, a_d) }} as nps_account_se,
        {{ adjusted_wald_nps_ci(a_p, a_n, a_d, z, 'lower') }} as nps_account_ci_low,
        {{ adjusted_wald_nps_ci(a_p, a_n, a_d, z, 'upper') }} as nps_account_ci_high,
        100.0 * weighted_mean_points as nps_revenue_weighted,
        100.0 * weighted_points_se as nps_revenue_weighted_se,
        {{ clipped_bound(
            weighted, '100.0 * ' ~ wald_bound(weighted, weighted_se, z, 'lower'), -100.0, 100.0
        ) }} as nps_revenue_weighted_ci_low,
        {{ clipped_bound(
            weighted, '100.0 * ' ~ wald_bound(weighted, weighted_se, z, 'upper'), -100.0, 100.0
        ) }} as nps_revenue_weighted_ci_high,
        accounts_answered_incl_inactive,
        {{ nps_score(c_p, c_n, c_d) }} as nps_account_incl_inactive,
        {{ nps_standard_error(c_p, c_n, c_d) }} as nps_account_incl_inactive_se,
        {{ adjusted_wald_nps_ci(c_p, c_n, c_d, z, 'lower') }} as nps_account_incl_inactive_ci_low,
        {{ adjusted_wald_nps_ci(c_p, c_n, c_d, z, 'upper') }} as nps_account_incl_inactive_ci_high,
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
