{#- ARR per customer and month: 12 x the month-end MRR snapshot in the reporting currency
    (docs/metrics.md "Survey metrics": ARR is the revenue weight). The MRR is the revenue marts'
    (int_revenue__customer_mrr_months, the snapshot behind marts.mrr_monthly: every subscription period
    active on the month's last day, converted at the rate in effect on its start), so topic
    revenue exposure and the MRR reports agree. No row for a month without an active
    subscription on its last day (a customer who churned during the month weighs 0). -#}

with

mrr_months as (

    select * from {{ ref('int_revenue__customer_mrr_months') }}

),

final as (

    select
        customer_id,
        month as response_month,
        -- exact decimal like the MRR: sums of ARR (topic exposure, alert ARR) are then the
        -- same whatever order the rows are read in; wide (macros/money.sql): 12 x a valid MRR
        -- can exceed DECIMAL(18, 4)
        cast(12 * cast(mrr as {{ derived_money_type() }}) as {{ derived_money_type() }}) as arr
    from mrr_months

)

select * from final
