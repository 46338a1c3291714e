{#- The MRR bridge per month and every grouping set of segment x plan_tier x
    acquisition_channel (docs/metrics.md "Subscription revenue (MRR) metrics"): mrr_end =
    mrr_start + new + expansion + reactivation - contraction - churn, exactly (decimal sums of
    mrr_monthly). group by month, cube(...): a rolled-up dimension is null, grouping_id names
    the set (macros/rollups.sql); each mrr_bridge* mart selects one. Slices use the customer's
    plan_tier in the month (the tier left from on a churn row). -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel'] -%}

with

mrr_monthly as (

    select * from {{ ref('mrr_monthly') }}

),

summed as (

    select
        month,
        segment,
        plan_tier,
        acquisition_channel,
        {{ grouping_id(dimensions) }} as grouping_id,
        sum(previous_mrr) as mrr_start,
        coalesce(sum(movement_amount) filter (where movement = 'new'), 0) as new_mrr,
        coalesce(sum(movement_amount) filter (where movement = 'expansion'), 0)
            as expansion_mrr,
        -- contraction and churn are reported as positive amounts that the bridge subtracts
        coalesce(-sum(movement_amount) filter (where movement = 'contraction'), 0)
            as contraction_mrr,
        coalesce(-sum(movement_amount) filter (where movement = 'churn'), 0) as churn_mrr,
        coalesce(sum(movement_amount) filter (where movement = 'reactivation'), 0)
            as reactivation_mrr,
        sum(mrr) as mrr_end,
        count(*) filter (where was_active_previous_month) as customers_start,
        count(*) filter (where movement = 'new') as customers_new,
        count(*) filter (where movement = 'reactivation') as customers_reactivated,
        count(*) filter (where movement = 'churn') as customers_churned,
        count(*) filter (where is_active) as customers_end
    from mrr_monthly
    group by month, cube(segment, plan_tier, acquisition_channel)

),

final as (

    select
        month,
        segment,
        plan_tier,
        acquisition_channel,
        grouping_id,
        -- the reporting currency of every amount
        '{{ reporting_currency() }}' as currency,
        cast(mrr_start as decimal(38, 4)) as mrr_start,
        -- the bridge column is named `new` (issue #3; the bridge identity of docs/metrics.md
        -- "Subscription revenue (MRR) metrics")
        cast(new_mrr as decimal(38, 4)) as new,  -- noqa: RF04
        cast(expansion_mrr as decimal(38, 4)) as expansion,
        cast(contraction_mrr as decimal(38, 4)) as contraction,
        cast(churn_mrr as decimal(38, 4)) as churn,
        cast(reactivation_mrr as decimal(38, 4)) as reactivation,
        cast(mrr_end as decimal(38, 4)) as mrr_end,
        customers_start,
        customers_new,
        customers_reactivated,
        customers_churned,
        customers_end,
        {{ safe_ratio('customers_churned', 'customers_start') }} as customer_churn_rate,
        {{ safe_ratio('churn_mrr + contraction_mrr', 'mrr_start') }} as gross_mrr_churn_rate,
        {{ safe_ratio(
            'churn_mrr + contraction_mrr - expansion_mrr - reactivation_mrr', 'mrr_start'
        ) }} as net_mrr_churn_rate,
        {{ safe_ratio('new_mrr + expansion_mrr', 'contraction_mrr + churn_mrr') }} as quick_ratio
    from summed

)

select * from final
