{#- One row: the date the marts are computed "as of" (docs/metrics.md "Conventions shared by
    every mart", As-of date). Configured (var as_of_date, env CXLINK_AS_OF_DATE) or, when empty,
    the latest event of int_calendar__event_dates (response, invoice, subscription period start
    or end), but never after the run date: the data cannot have observed a later day (a
    scheduled period end, a mistyped year). events_after_as_of counts the events the marts do
    not see; the Dagster check events_after_as_of on marts/data_window warns about them. Every
    horizon of "Linking NPS to retention and revenue" and "Subscription revenue (MRR) metrics"
    ends on this date. -#}
{%- set configured = configured_as_of_date() -%}

with

event_dates as (

    select * from {{ ref('int_calendar__event_dates') }}

),

latest_events as (

    select
        min(event_date) as first_event_date,
        max(event_date) as latest_event_date,
        max(event_date) filter (where event_kind = 'response') as max_response_date,
        max(event_date) filter (where event_kind = 'invoice') as max_invoice_date,
        max(event_date) filter (where event_kind = 'period_start') as max_period_start_date,
        max(event_date) filter (where event_kind = 'period_end') as max_period_end_date,
        -- the run date in UTC, whatever the session's time zone
        cast(timezone('UTC', current_timestamp) as date) as run_date
    from event_dates

),

dated as (

    select
        *,
        {%- if configured %}
            {{ configured }} as as_of_date,
            'configured' as as_of_date_source
        {%- else %}
            -- null only when there is no event at all
            least(latest_event_date, run_date) as as_of_date,
            case
                when latest_event_date > run_date then 'run_date' else 'derived_from_data'
            end as as_of_date_source
        {%- endif %}
    from latest_events

),

final as (

    select
        dated.as_of_date,
        dated.as_of_date_source,
        dated.first_event_date,
        dated.latest_event_date,
        (
            select coalesce(sum(event_dates.events), 0)
            from event_dates
            where event_dates.event_date > dated.as_of_date
        ) as events_after_as_of,
        dated.max_response_date,
        dated.max_invoice_date,
        dated.max_period_start_date,
        dated.max_period_end_date,
        dated.run_date
    from dated

)

select * from final
