{#- The unanswered urgent ticket reason (docs/metrics.md "Follow-up rules"): per account, its
    urgent support tickets opened at least var urgent_ticket_hours (env
    CXLINK_URGENT_TICKET_HOURS, default 24) hours before the end of the as-of day and not closed
    by then (closed_at null, or later: a past as-of date sees the ticket still open). The
    contract has no first-response time, so unanswered means not closed. One row per account,
    at its longest-open such ticket (the trigger: its opening), with how many it has. -#}

with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

follow_up_window as (

    select * from {{ ref('int_follow_ups__window') }}

),

unanswered as (

    select
        tickets.customer_id,
        tickets.ticket_id,
        tickets.opened_at,
        -- whole hours elapsed (a cast alone would round)
        cast(floor(
            (epoch(follow_up_window.as_of_end_at) - epoch(tickets.opened_at)) / 3600
        ) as integer) as hours_open
    from tickets
    cross join follow_up_window
    where
        tickets.priority = 'urgent'
        and tickets.opened_at
        <= follow_up_window.as_of_end_at - to_hours(follow_up_window.urgent_ticket_hours)
        and (tickets.closed_at is null or tickets.closed_at > follow_up_window.as_of_end_at)

),

final as (

    select
        customer_id,
        'urgent_ticket_unanswered' as reason_code,
        ticket_id,
        hours_open as ticket_hours_open,
        count(*) over (partition by customer_id) as open_urgent_tickets,
        opened_at as trigger_at,
        cast(opened_at as date) as trigger_date
    from unanswered
    qualify row_number() over (
        partition by customer_id order by opened_at asc, ticket_id asc
    ) = 1

)

select * from final
