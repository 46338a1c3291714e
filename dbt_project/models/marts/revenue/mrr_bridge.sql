{#- The MRR bridge per month x segment x plan_tier x acquisition_channel, the finest grain
    (docs/metrics.md "Subscription revenue (MRR) metrics"): one grouping set of
    int_revenue__mrr_bridge_rollups. Totals over a dimension are the mrr_bridge_by_* and
    mrr_bridge_total tables. -#}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel'] -%}
{%- set kept = ['segment', 'plan_tier', 'acquisition_channel'] -%}

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
