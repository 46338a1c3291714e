{#- The MRR bridge per month x plan_tier (the tier in the month) (docs/metrics.md "Subscription
    revenue (MRR) metrics"): one grouping set of int_revenue__mrr_bridge_rollups. -#}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel'] -%}
{%- set kept = ['plan_tier'] -%}

with

rollups as (

    select * from {{ ref('int_revenue__mrr_bridge_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept) }}
    from rollups
    where {{ grouping_set_filter(dimensions, kept) }}

)

select * from final
