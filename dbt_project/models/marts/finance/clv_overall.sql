{#- CLV, CAC and their inputs per billing_model over every customer (docs/metrics.md "CLV and CAC"):
    one grouping set of int_finance__clv_rollups. -#}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel'] -%}
{%- set kept = [] -%}

with

rollups as (

    select * from {{ ref('int_finance__clv_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept, 'grouping_level') }}
    from rollups
    where {{ labelled_grouping_set_filter(dimensions, kept) }}

)

select * from final
