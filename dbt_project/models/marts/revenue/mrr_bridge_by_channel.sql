{#- The MRR bridge per month x acquisition_channel (docs/metrics.md "Subscription revenue (MRR)
    metrics"): one grouping set of int_revenue__mrr_bridge_rollups. -#}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel'] -%}
{%- set kept = ['acquisition_channel'] -%}

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
