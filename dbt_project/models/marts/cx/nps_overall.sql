{#- Headline NPS over fixed windows ending on the as-of date, each with n and an adjusted Wald
    CI (docs/metrics.md "Survey metrics"). Every period has a row, with 0 responses and null
    figures when nobody answered in it. -#}
{%- set z = var('ci_z') -%}

with

nps_responses as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

windows as (

    select
        window_lengths.period,
        window_lengths.period_months
    from (
        values
        ('all_time', null),
        ('last_12_months', 12),
        ('last_3_months', 3)
    ) as window_lengths (period, period_months)

),

periods as (

    select
        windows.period,
        windows.period_months,
        as_of.as_of_date,
        -- the k months ending on the as-of date
        case
            when windows.period_months is not null
                then cast(
                    as_of.as_of_date + interval 1 day - to_months(windows.period_months) as date
                )
        end as period_start_date
    from windows
    cross join as_of

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
        on
            periods.as_of_date >= nps_responses.response_date
            and (
                periods.period_start_date is null
                or periods.period_start_date <= nps_responses.response_date
            )
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
