{#- Repeat purchase of one-time buyers per segment (docs/metrics.md "Transactional
    customers"): one grouping set of int_finance__repeat_purchase_rollups. -#}
{%- set dimensions = ['segment'] -%}
{%- set kept = ['segment'] -%}

with

rollups as (

    select * from {{ ref('int_finance__repeat_purchase_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept) }}
    from rollups
    where {{ grouping_set_filter(dimensions, kept) }}

)

select * from final
