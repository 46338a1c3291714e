{#- CES per response month and every grouping set of segment (group by response_month,
    cube(segment)): n, the bands, the low-effort share (the easy end of var ces_easy_end) with
    a Wilson interval and the mean score with its SE and normal interval (docs/metrics.md
    "CSAT and CES"). A rolled-up
    dimension is null; grouping_id names the set (macros/rollups.sql). Not published: each
    ces_monthly* mart selects one set. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}
{%- set dimensions = ['segment'] -%}

with

responses as (

    select * from {{ ref('int_surveys__csat_ces_responses') }}
    where survey_type = 'ces'

),

counted as (

    select
        response_month,
        segment,
        {{ grouping_id(dimensions) }} as grouping_id,
        count(*) as responses,
        count(*) filter (where band = 'low_effort') as low_effort,
        count(*) filter (where band = 'neutral') as neutral,
        count(*) filter (where band = 'high_effort') as high_effort,
        cast(sum(score) as bigint) as score_sum,
        cast(sum(score * score) as bigint) as score_square_sum
    from responses
    group by response_month, cube(segment)

),

final as (

    select
        response_month,
        segment,
        grouping_id,
        responses,
        low_effort,
        neutral,
        high_effort,
        score_sum,
        score_square_sum,
        {{ share_figures('low_effort', 'responses', 'low_effort', z) }},
        {{ mean_score_figures('responses', 'score_sum', 'score_square_sum', z, 1, 7) }},
        cast({{ z }} as double) as ci_z,
        '{{ ces_easy_end() }}' as ces_easy_end
    from counted

)

select * from final
