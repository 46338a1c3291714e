{#- The NPS link to retention and revenue per segment, over its NPS categories (docs/metrics.md
    "Linking NPS to retention and revenue"): one grouping set of
    int_finance__revenue_linkage_rollups, with the segment-level figures (churn gap, revenue at
    risk, value of one NPS point, the NPS variants, coverage). -#}
{%- set dimensions = ['segment', 'nps_category'] -%}
{%- set kept = ['segment'] -%}

with

rollups as (

    select * from {{ ref('int_finance__revenue_linkage_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept, none, []) }}
    from rollups
    where {{ labelled_grouping_set_filter(dimensions, kept) }}

)

select * from final
