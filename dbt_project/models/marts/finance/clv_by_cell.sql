{#- CLV, CAC and their inputs per billing_model x segment x plan_tier x acquisition_channel, the
    finest grain (docs/metrics.md "CLV and CAC"): one grouping set of int_finance__clv_rollups.
    Totals over a dimension are clv_by_segment, clv_by_plan_tier, clv_by_channel and clv_overall.
    -#}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel'] -%}
{%- set kept = ['segment', 'plan_tier', 'acquisition_channel'] -%}

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
