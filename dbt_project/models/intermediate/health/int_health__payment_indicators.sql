{#- Per active account-month: payment problems, the refund and credit lines (line_type refund or
    a negative amount) issued to the customer on or before the snapshot date and after snapshot
    date - payment_window_months, and their amount in the reporting currency (negative). Every
    active account has a row (0 lines when none): invoices are a required input.
    docs/metrics.md "Customer health and closing the loop", Health score. -#}

with

invoices as (

    select * from {{ ref('int_billing__invoices_converted') }}

),

account_months as (

    select * from {{ ref('int_health__account_months') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

problems as (

    select
        customer_id,
        issued_date,
        amount_reporting
    from invoices
    where line_type = 'refund' or amount < 0

),

final as (

    select
        account_months.customer_id,
        account_months.month_start,
        count(problems.customer_id) as payment_problem_lines,
        cast(
            coalesce(sum(problems.amount_reporting), 0) as {{ derived_money_type() }}
        ) as payment_problem_amount
    from account_months
    cross join parameters
    left join problems
        on
            account_months.customer_id = problems.customer_id
            and account_months.snapshot_date >= problems.issued_date
            and problems.issued_date > cast(
                account_months.snapshot_date - to_months(parameters.payment_window_months)
                as date
            )
    group by account_months.customer_id, account_months.month_start

)

select * from final
