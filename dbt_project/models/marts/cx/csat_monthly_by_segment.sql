{#- CSAT per response month x segment (docs/metrics.md "CSAT and CES"): one grouping set of
    int_surveys__csat_monthly_rollups, without its score sums. -#}
{%- set dimensions = ['segment'] -%}
{%- set kept = ['segment'] -%}

with

rollups as (

    select * from {{ ref('int_surveys__csat_monthly_rollups') }}

),

final as (

    select
        {{ grouping_set_columns(
            dimensions, kept, also_drop=['score_sum', 'score_square_sum']
        ) }}
    from rollups
    where {{ grouping_set_filter(dimensions, kept) }}

)

select * from final
