{#- NPS per response month and every grouping set of segment x plan_tier x
    acquisition_channel x language (group by response_month, cube(...)), with n and an
    adjusted Wald CI on every figure (docs/metrics.md "Survey metrics"). A rolled-up dimension
    is null; grouping_id names the set (macros/rollups.sql). Not published: each nps_monthly*
    mart selects one set. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}
{%- set dimensions = ['segment', 'plan_tier', 'acquisition_channel', 'language'] -%}

with

nps_responses as (

    -- NPS answers only: mapped CSAT answers have their own marts (csat_*)
    select * from {{ ref('int_surveys__nps_responses_categorized') }}
    where category_source = 'nps'

),

counted as (

    select
        response_month,
        segment,
        plan_tier,
        acquisition_channel,
        language,
        {{ grouping_id(dimensions) }} as grouping_id,
        count(*) as responses,
        count(*) filter (where nps_category = 'promoter') as promoters,
        count(*) filter (where nps_category = 'passive') as passives,
        count(*) filter (where nps_category = 'detractor') as detractors
    from nps_responses
    group by response_month, cube(segment, plan_tier, acquisition_channel, language)

),

final as (

    select
        response_month,
        segment,
        plan_tier,
        acquisition_channel,
        language,
        grouping_id,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps_figures('promoters', 'passives', 'detractors', z) }}
    from counted

)

select * from final
