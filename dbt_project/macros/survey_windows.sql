{#- The headline windows of nps_overall, csat_overall and ces_overall (docs/metrics.md "Survey
    metrics"): all_time, last_12_months and last_3_months, the k months ending on the as-of
    date ([as-of date + 1 day - k months, as-of date]). The body of a `periods` CTE over the
    one-row relation `as_of` (int_calendar__as_of_dates): period, period_months, as_of_date,
    period_start_date (null for all_time). -#}
{% macro survey_window_periods(as_of) -%}
    select
        windows.period,
        windows.period_months,
        {{ as_of }}.as_of_date,
        case
            when windows.period_months is not null
                then cast(
                    {{ as_of }}.as_of_date + interval 1 day - to_months(windows.period_months)
                    as date
                )
        end as period_start_date
    from (
        values
        ('all_time', null),
        ('last_12_months', 12),
        ('last_3_months', 3)
    ) as windows (period, period_months)
    cross join {{ as_of }}
{%- endmacro %}

{#- The join condition of a response (alias `responses`, column response_date) to its windows
    (alias `periods`, from survey_window_periods). -#}
{% macro in_survey_window(periods, responses) -%}
    {{ periods }}.as_of_date >= {{ responses }}.response_date
    and (
        {{ periods }}.period_start_date is null
        or {{ periods }}.period_start_date <= {{ responses }}.response_date
    )
{%- endmacro %}
