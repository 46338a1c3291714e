{#- One row per subscription customer and calendar month of the CLV window (var
    clv_window_months complete months before the as-of month), from the month of the customer's
    first activity spell on: activity (int_revenue__activity_spells), the month's net invoiced
    revenue in the reporting currency (all line types, refunds negative; int_billing__invoices_converted)
    and the category of the customer's latest NPS response dated before the month's first day.
    Monthly churn follows docs/metrics.md "Subscription revenue (MRR) metrics": a customer is at risk
    in a month when active on its first day and churns in it when not active on the next
    month's first day (joining and leaving inside a month is not counted). -#}

with

spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

invoices as (

    select * from {{ ref('int_billing__invoices_converted') }}

),

nps_responses as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

first_months as (

    select
        customer_id,
        cast(date_trunc('month', min(spell_start_date)) as date) as first_month
    from spells
    group by customer_id

),

customer_months as (

    select
        first_months.customer_id,
        cast(window_months.month_start as date) as month_start,
        cast(window_months.month_start + interval 1 month as date) as next_month_start
    from first_months
    cross join measurement_window
    cross join lateral (
        select unnest(generate_series(
            greatest(first_months.first_month, measurement_window.window_start_month),
            measurement_window.window_end_month - interval 1 month,
            interval 1 month
        )) as month_start
    ) as window_months

),

activity as (

    select
        customer_months.customer_id,
        customer_months.month_start,
        coalesce(bool_or(
            spells.spell_start_date < customer_months.next_month_start
            and (
                spells.spell_end_date is null
                or spells.spell_end_date > customer_months.month_start
            )
        ), false) as is_active_in_month,
        coalesce(bool_or(
            spells.spell_start_date <= customer_months.month_start
            and (
                spells.spell_end_date is null
                or spells.spell_end_date > customer_months.month_start
            )
        ), false) as is_active_at_start,
        coalesce(bool_or(
            spells.spell_start_date <= customer_months.next_month_start
            and (
                spells.spell_end_date is null
                or spells.spell_end_date > customer_months.next_month_start
            )
        ), false) as is_active_at_next_start
    from customer_months
    left join spells
        on customer_months.customer_id = spells.customer_id
    group by customer_months.customer_id, customer_months.month_start

),

revenue as (

    select
        customer_id,
        invoice_month as month_start,
        sum(amount_reporting) as net_revenue
    from invoices
    group by customer_id, invoice_month

),

response_validity as (

    -- each response stands as the customer's latest from the day after it until the day of
    -- the next one (same-day responses: the later one by time, then id)
    select
        customer_id,
        nps_category,
        response_date,
        lead(response_date) over (
            partition by customer_id order by responded_at, response_id
        ) as next_response_date
    from nps_responses

),

latest_category as (

    select
        customer_months.customer_id,
        customer_months.month_start,
        response_validity.nps_category,
        response_validity.response_date
    from customer_months
    inner join response_validity
        on
            customer_months.customer_id = response_validity.customer_id
            and customer_months.month_start > response_validity.response_date
            and (
                response_validity.next_response_date is null
                or customer_months.month_start <= response_validity.next_response_date
            )

),

final as (

    select
        activity.customer_id,
        activity.month_start,
        activity.is_active_in_month,
        activity.is_active_at_start,
        activity.is_active_at_start and not activity.is_active_at_next_start as is_churned,
        cast(coalesce(revenue.net_revenue, 0) as decimal(38, 4)) as net_revenue,
        latest_category.nps_category as latest_nps_category,
        latest_category.response_date as latest_nps_response_date
    from activity
    left join revenue
        on
            activity.customer_id = revenue.customer_id
            and activity.month_start = revenue.month_start
    left join latest_category
        on
            activity.customer_id = latest_category.customer_id
            and activity.month_start = latest_category.month_start

)

select * from final
