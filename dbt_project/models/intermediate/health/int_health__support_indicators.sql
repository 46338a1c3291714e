{#- Per active account-month whose ticket window the support data cover: the tickets the
    customer opened on or before the snapshot date and after snapshot date -
    ticket_window_months, and the urgent ones among them (docs/metrics.md "Customer health and
    closing the loop", Health score). The support data cover a window when their first ticket
    (any customer's) is dated on or before its start; before that, and without any ticket
    delivered, there is no row and the ticket indicators are missing, not 0. -#}

with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

account_months as (

    select * from {{ ref('int_health__account_months') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

coverage as (

    select min(opened_date) as first_ticket_date
    from tickets

),

windows as (

    select
        account_months.customer_id,
        account_months.month_start,
        account_months.snapshot_date,
        cast(
            account_months.snapshot_date - to_months(parameters.ticket_window_months) as date
        ) as window_start_date
    from account_months
    cross join parameters

),

covered as (

    select windows.*
    from windows
    cross join coverage
    where coverage.first_ticket_date <= windows.window_start_date

),

final as (

    select
        covered.customer_id,
        covered.month_start,
        count(tickets.ticket_id) as support_tickets,
        count(tickets.ticket_id) filter (where tickets.priority = 'urgent') as urgent_tickets
    from covered
    left join tickets
        on
            covered.customer_id = tickets.customer_id
            and covered.window_start_date < tickets.opened_date
            and covered.snapshot_date >= tickets.opened_date
    group by covered.customer_id, covered.month_start

)

select * from final
