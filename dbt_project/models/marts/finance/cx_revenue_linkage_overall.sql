{#- The NPS link to retention and revenue per NPS category over every segment (docs/metrics.md
    "Linking NPS to retention and revenue"): one grouping set of
    int_finance__revenue_linkage_rollups, the per-category figures. -#}
{%- set dimensions = ['segment', 'nps_category'] -%}
{%- set kept = ['nps_category'] -%}

with

rollups as (

    select * from {{ ref('int_finance__revenue_linkage_rollups') }}

),

final as (

    select {{ grouping_set_columns(dimensions, kept, none, linkage_segment_columns()) }}
    from rollups
    where {{ labelled_grouping_set_filter(dimensions, kept) }}

)

select * from final
