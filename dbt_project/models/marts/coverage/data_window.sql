{#- One row: what the data cover (docs/metrics.md "Conventions shared by every mart", As-of date
    and History start): the first and last event dates (the published data window), the as-of
    date and the events after it, and whether the subscription history looks left-truncated.
    The publish step, the run summary and the Dagster checks events_after_as_of and
    history_left_truncated read it. -#}

with

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

history as (

    select * from {{ ref('int_calendar__history_starts') }}

),

final as (

    select
        as_of.first_event_date,
        as_of.latest_event_date as last_event_date,
        cast(date_trunc('month', as_of.first_event_date) as date) as first_event_month,
        cast(date_trunc('month', as_of.latest_event_date) as date) as last_event_month,
        as_of.as_of_date,
        as_of.as_of_date_source,
        as_of.events_after_as_of,
        history.first_period_month,
        history.subscription_customers,
        history.customers_starting_in_first_month,
        history.first_month_share,
        history.looks_left_truncated,
        history.history_starts_at,
        history.history_start_source,
        history.first_observed_month,
        history.left_truncated_customers
    from as_of
    cross join history

)

select * from final
