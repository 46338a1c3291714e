{#- 12-month NRR / GRR per month x segment (docs/metrics.md "Subscription revenue (MRR) metrics"):
    one grouping set of int_revenue__revenue_retention_12m_rollups. -#}
{%- set dimensions = ['segment', 'acquisition_channel'] -%}
{%- set kept = ['segment'] -%}

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
