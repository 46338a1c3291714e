{#- Headline NPS over fixed windows ending on the as-of date (macros/survey_windows.sql), each
    with n and an adjusted Wald CI (docs/metrics.md "Survey metrics"). Every period has a row,
    with 0 responses and null figures when nobody answered in it. -#}
{%- set z = var('ci_z') -%}

with

nps_responses as (

    -- NPS answers only: mapped CSAT answers have their own marts (csat_*)
    select * from {{ ref('int_surveys__nps_responses_categorized') }}
    where category_source = 'nps'

),

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

periods as (

    {{ survey_window_periods('as_of') }}

),

counted as (

    select
        periods.period,
        periods.period_months,
        periods.period_start_date,
        periods.as_of_date as period_end_date,
        count(nps_responses.response_id) as responses,
        count(nps_responses.response_id) filter (
            where nps_responses.nps_category = 'promoter'
        ) as promoters,
        count(nps_responses.response_id) filter (
            where nps_responses.nps_category = 'passive'
        ) as passives,
        count(nps_responses.response_id) filter (
            where nps_responses.nps_category = 'detractor'
        ) as detractors
    from periods
    left join nps_responses
        on {{ in_survey_window('periods', 'nps_responses') }}
    group by periods.period, periods.period_months, periods.period_start_date, periods.as_of_date

),

final as (

    select
        period,
        period_months,
        period_start_date,
        period_end_date,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps_figures('promoters', 'passives', 'detractors', z) }}
    from counted

)

select * from final
