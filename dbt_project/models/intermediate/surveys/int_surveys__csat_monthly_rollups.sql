{#- CSAT per response month and every grouping set of segment (group by response_month,
    cube(segment)): n, the bands, the satisfied share (4-5) with a Wilson interval and the mean
    score with its SE and normal interval (docs/metrics.md "CSAT and CES"). A rolled-up
    dimension is null; grouping_id names the set (macros/rollups.sql). Not published: each
    csat_monthly* mart selects one set. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}
{%- set dimensions = ['segment'] -%}

with

responses as (

    select * from {{ ref('int_surveys__csat_ces_responses') }}
    where survey_type = 'csat'

),

counted as (

    select
        response_month,
        segment,
        {{ grouping_id(dimensions) }} as grouping_id,
        count(*) as responses,
        count(*) filter (where band = 'satisfied') as satisfied,
        count(*) filter (where band = 'neutral') as neutral,
        count(*) filter (where band = 'dissatisfied') as dissatisfied,
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
        satisfied,
        neutral,
        dissatisfied,
        score_sum,
        score_square_sum,
        {{ share_figures('satisfied', 'responses', 'satisfied', z) }},
        {{ mean_score_figures('responses', 'score_sum', 'score_square_sum', z, 1, 5) }},
        cast({{ z }} as double) as ci_z
    from counted

)

select * from final
