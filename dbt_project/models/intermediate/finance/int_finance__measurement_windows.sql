{#- One row: the dates and settings every finance model measures with (docs/metrics.md "CLV
    and CAC", "Linking NPS to retention and revenue"). The CLV window is the var clv_window_months complete
    calendar months before the as-of month; the linkage cohort date is the as-of date minus
    var linkage_horizon_months, and its horizon date that date plus the same months (month ends
    clip, as in int_surveys__nps_responses_with_retention). With a declared history start
    (CXLINK_HISTORY_STARTS_AT) the CLV window starts no earlier than its first observed month
    (macros/history.sql), so churn, ARPU, CAC and CRC count observed months only. -#}
{%- set window_months = finance_months_var('clv_window_months', 12) -%}
{%- set horizon_months = finance_months_var('linkage_horizon_months', 12) -%}
{%- set rmst_months = finance_months_var('rmst_horizon_months', 36) -%}
{%- set lapse_months = finance_months_var('one_time_lapse_months', 6) -%}

with

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

months as (

    select
        as_of_date,
        cast(date_trunc('month', as_of_date) as date) as as_of_month,
        cast(as_of_date - interval {{ horizon_months }} month as date) as cohort_date,
        cast(greatest(
            date_trunc('month', as_of_date) - interval {{ window_months }} month,
            coalesce({{ first_observed_month() }}, date '0001-01-01')
        ) as date) as window_start_month
    from as_of

),

final as (

    select
        as_of_date,
        as_of_month,
        window_start_month,
        -- exclusive: the as-of month is not complete
        as_of_month as window_end_month,
        greatest(datediff('month', window_start_month, as_of_month), 0) as window_months,
        cohort_date,
        cast(cohort_date + interval {{ horizon_months }} month as date) as cohort_horizon_date,
        {{ horizon_months }} as linkage_horizon_months,
        {{ rmst_months }} as rmst_horizon_months,
        {{ lapse_months }} as one_time_lapse_months,
        {{ gross_margin() }} as gross_margin,
        '{{ clv_lifetime_method() }}' as clv_lifetime_method
    from months

)

select * from final
