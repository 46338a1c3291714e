{#- NPS per response month and slice, with n and an adjusted Wald CI on every figure
    (docs/metrics.md "Survey metrics"). Rows where a dimension is 'all' are its rollup
    (group by response_month, cube(...)). -#}
{%- set z = var('ci_z') -%}

with

nps_responses as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

counted as (

    select
        response_month,
        {{ rollup_label('segment') }} as segment,
        {{ rollup_label('plan_tier') }} as plan_tier,
        {{ rollup_label('acquisition_channel') }} as acquisition_channel,
        {{ rollup_label('language') }} as language,
        cast(
            grouping(segment)
            + grouping(plan_tier)
            + grouping(acquisition_channel)
            + grouping(language)
            as integer
        ) as grouping_level,
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
        grouping_level,
        grouping_level = 4 as is_total,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps_figures('promoters', 'passives', 'detractors', z) }}
    from counted

)

select * from final
