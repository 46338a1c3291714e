{#- 12-month NRR / GRR per month x segment x acquisition_channel, the finest grain (docs/metrics.md
    "Subscription revenue (MRR) metrics"): one grouping set of
    int_revenue__revenue_retention_12m_rollups. Totals over a dimension are the
    revenue_retention_12m_by_* and revenue_retention_12m_total tables. -#}
{%- set dimensions = ['segment', 'acquisition_channel'] -%}
{%- set kept = ['segment', 'acquisition_channel'] -%}

with

rollups as (

    select * from {{ ref('int_revenue__revenue_retention_12m_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept) }}
    from rollups
    where {{ grouping_set_filter(dimensions, kept) }}

)

select * from final
