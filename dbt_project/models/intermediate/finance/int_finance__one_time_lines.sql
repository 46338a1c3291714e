{#- Every invoice line of a one-time buyer (billing_model 'one_time' of
    int_finance__customer_cells) issued on or before the as-of date, for the repeat-purchase
    marts (docs/metrics.md "Transactional customers"). is_order: macro is_one_time_order (a
    one_time line with a positive amount, as in int_finance__one_time_buyers); order_number
    counts a buyer's orders from 1 by issue time (ties by invoice_id), null on the other lines
    (credits, refunds), which still count in net revenue. -#}

with

invoices as (

    select * from {{ ref('int_billing__invoices_converted') }}

),

customer_cells as (

    select * from {{ ref('int_finance__customer_cells') }}

),

as_of as (

    select as_of_date from {{ ref('int_calendar__as_of_dates') }}

),

buyers as (

    select
        customer_id,
        segment
    from customer_cells
    where billing_model = 'one_time' and grouping_level = 0

),

lines as (

    select
        invoices.customer_id,
        buyers.segment,
        invoices.invoice_id,
        invoices.issued_at,
        invoices.issued_date,
        invoices.invoice_month,
        {{ is_one_time_order('invoices') }} as is_order,
        invoices.amount_reporting
    from invoices
    inner join buyers
        on invoices.customer_id = buyers.customer_id
    cross join as_of
    -- lines after the as-of date have not happened yet as the marts see it
    where invoices.issued_date <= as_of.as_of_date

),

final as (

    select
        customer_id,
        segment,
        invoice_id,
        issued_at,
        issued_date,
        invoice_month,
        is_order,
        case
            when is_order
                then row_number() over (
                    partition by customer_id, is_order
                    order by issued_at, invoice_id
                )
        end as order_number,
        cast(amount_reporting as decimal(38, 4)) as amount_reporting
    from lines

)

select * from final
