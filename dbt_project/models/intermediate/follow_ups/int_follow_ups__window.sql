{#- One row: the dates and settings of the follow-up rules (docs/metrics.md "Follow-up rules").
    The lookback window is the var follow_up_lookback_days days ending on the as-of date, both
    ends included: [as-of date - (days - 1), as-of date]. The as-of moment of the ticket rule
    is the end of the as-of day (its midnight, UTC), since the as-of date's events count. -#}
{%- set lookback_days = follow_up_lookback_days() -%}

with

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

final as (

    select
        as_of_date,
        cast(as_of_date - to_days({{ lookback_days - 1 }}) as date) as lookback_start_date,
        {{ lookback_days }} as lookback_days,
        cast(as_of_date + to_days(1) as timestamp) as as_of_end_at,
        {{ follow_up_min_arr() }} as high_arr_threshold,
        {{ urgent_ticket_hours() }} as urgent_ticket_hours,
        '{{ reporting_currency() }}' as currency
    from as_of

)

select * from final
