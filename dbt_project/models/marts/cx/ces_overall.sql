{#- Headline CES over fixed windows ending on the as-of date (all_time, last_12_months,
    last_3_months; macros/survey_windows.sql), each with n, the low-effort share (the easy end
    of var ces_easy_end) and its Wilson interval, and the mean score with its SE and interval
    (docs/metrics.md "CSAT and CES"). Every period has a row, with 0 responses and null figures when nobody answered. -#}
{%- set z = var('ci_z') -%}

with

responses as (

    select * from {{ ref('int_surveys__csat_ces_responses') }}
    where survey_type = 'ces'

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
        count(responses.response_id) filter (
            where responses.band = 'low_effort'
        ) as low_effort,
        count(responses.response_id) filter (where responses.band = 'neutral') as neutral,
        count(responses.response_id) filter (
            where responses.band = 'high_effort'
        ) as high_effort,
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
        low_effort,
        neutral,
        high_effort,
        {{ share_figures('low_effort', 'responses', 'low_effort', z) }},
        {{ mean_score_figures('responses', 'score_sum', 'score_square_sum', z, 1, 7) }},
        cast({{ z }} as double) as ci_z,
        '{{ ces_easy_end() }}' as ces_easy_end
    from counted

)

select * from final
