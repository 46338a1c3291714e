{#- Every dated event in the data, counted per kind and day: what the as-of date, the data
    window and the "events after the as-of date" warning are read from (docs/metrics.md
    "Conventions shared by every mart", As-of date). A subscription period contributes its start
    and, when it has one, its end: the end is exclusive, the first day the period no longer
    covers, and the data observe that day (the customer is not active on it), so the end itself
    counts, not the day before; a period end after the run date is scheduled, not observed, and
    is not an event (one such row would otherwise move the as-of date to the run date; the
    extractor quarantines every other date after the load time, date_in_future). Marketing spend and service costs are monthly totals whose
    month is a label rather than an observed day (and budgets are often loaded ahead): they are
    not events. Customer signups are not either: a signup precedes the customer's periods,
    invoices and answers, so it never moves the as-of date, and reading it would make every
    mart wait on the CRM extract (one bad customers file would stop the revenue marts). -#}

with

responses as (

    select * from {{ ref('stg_surveys__responses') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

events as (

    select
        'response' as event_kind,
        response_date as event_date
    from responses
    union all
    select
        'invoice' as event_kind,
        issued_date as event_date
    from invoices
    union all
    select
        'period_start' as event_kind,
        period_start_date as event_date
    from subscriptions
    union all
    select
        'period_end' as event_kind,
        period_end_date as event_date
    from subscriptions
    where
        period_end_date is not null
        and period_end_date <= cast(timezone('UTC', current_timestamp) as date)

),

final as (

    select
        event_kind,
        cast(event_date as date) as event_date,
        count(*) as events
    from events
    group by event_kind, cast(event_date as date)

)

select * from final
