{#- The NPS link to retention and revenue over every segment and NPS category, one row
    (docs/metrics.md "Linking NPS to retention and revenue"): one grouping set of
    int_finance__revenue_linkage_rollups, with the segment-level figures of the whole customer base.
    -#}
{%- set dimensions = ['segment', 'nps_category'] -%}
{%- set kept = [] -%}

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
