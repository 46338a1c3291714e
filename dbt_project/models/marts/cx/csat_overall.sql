{#- Headline CSAT over fixed windows ending on the as-of date (all_time, last_12_months,
    last_3_months; macros/survey_windows.sql), each with n, the satisfied share (4-5) and its
    Wilson interval, and the mean score with its SE and interval (docs/metrics.md "CSAT and
    CES"). Every period has a row, with 0 responses and null figures when nobody answered. -#}
{%- set z = var('ci_z') -%}

with

responses as (

    select * from {{ ref('int_surveys__csat_ces_responses') }}
    where survey_type = 'csat'

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
        count(responses.response_id) as responses,
        count(responses.response_id) filter (where responses.band = 'satisfied') as satisfied,
        count(responses.response_id) filter (where responses.band = 'neutral') as neutral,
        count(responses.response_id) filter (
            where responses.band = 'dissatisfied'
        ) as dissatisfied,
        cast(coalesce(sum(responses.score), 0) as bigint) as score_sum,
        cast(coalesce(sum(responses.score * responses.score), 0) as bigint) as score_square_sum
    from periods
    left join responses
        on {{ in_survey_window('periods', 'responses') }}
    group by periods.period, periods.period_months, periods.period_start_date, periods.as_of_date

),

final as (

    select
        period,
        period_months,
        period_start_date,
        period_end_date,
        responses,
        satisfied,
        neutral,
        dissatisfied,
        {{ share_figures('satisfied', 'responses', 'satisfied', z) }},
        {{ mean_score_figures('responses', 'score_sum', 'score_square_sum', z, 1, 5) }},
        cast({{ z }} as double) as ci_z
    from counted

)

select * from final
