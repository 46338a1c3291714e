{#- MRR per customer and month with its movement (docs/metrics.md "Subscription revenue (MRR)
    metrics"). Rows: every month a customer is active (month-end snapshot, see
    int_revenue__customer_mrr_months) plus the month after each active stretch ends, where the customer
    churns (only when no subscription at all is left). Months in which a churned customer stays
    inactive have no row. movement_amount = mrr - previous_mrr, so the bridge adds up. -#}

with

customer_months as (

    select * from {{ ref('int_revenue__customer_mrr_months') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

as_of as (

    select
        as_of_date,
        cast(date_trunc('month', as_of_date) as date) as as_of_month
    from {{ ref('int_calendar__as_of_dates') }}

),

sequenced as (

    select
        customer_id,
        month,
        snapshot_date,
        mrr,
        plan_tier,
        active_subscriptions,
        min(month) over (partition by customer_id) as first_active_month,
        lag(month) over (partition by customer_id order by month) as previous_active_month,
        lag(mrr) over (partition by customer_id order by month) as previous_active_mrr,
        lead(month) over (partition by customer_id order by month) as next_active_month
    from customer_months

),

active_rows as (

    select
        customer_id,
        month,
        snapshot_date,
        first_active_month,
        true as is_active,
        coalesce(previous_active_month = month - interval 1 month, false)
            as was_active_previous_month,
        plan_tier,
        active_subscriptions,
        mrr,
        case
            when previous_active_month = month - interval 1 month then previous_active_mrr
            else cast(0 as {{ derived_money_type() }})
        end as previous_mrr
    from sequenced

),

churn_rows as (

    -- the month after an active stretch, when it is not later than the as-of month
    select
        sequenced.customer_id,
        cast(sequenced.month + interval 1 month as date) as month,
        least(
            last_day(sequenced.month + interval 1 month), as_of.as_of_date
        ) as snapshot_date,
        sequenced.first_active_month,
        false as is_active,
        true as was_active_previous_month,
        -- the tier the customer left from
        sequenced.plan_tier,
        0 as active_subscriptions,
        cast(0 as {{ derived_money_type() }}) as mrr,
        sequenced.mrr as previous_mrr
    from sequenced
    cross join as_of
    where
        sequenced.month + interval 1 month <= as_of.as_of_month
        and (
            sequenced.next_active_month is null
            or sequenced.next_active_month > sequenced.month + interval 1 month
        )

),

customer_month_rows as (

    select * from active_rows
    union all
    select * from churn_rows

),

classified as (

    select
        *,
        {{ mrr_movement(
            'is_active',
            'was_active_previous_month',
            '(month = first_active_month)',
            'mrr',
            'previous_mrr'
        ) }} as movement
    from customer_month_rows

),

final as (

    select
        classified.customer_id,
        classified.month,
        classified.snapshot_date,
        coalesce(customers.segment, 'unknown') as segment,
        classified.plan_tier,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel,
        -- the reporting currency of the MRR columns
        '{{ reporting_currency() }}' as currency,
        classified.first_active_month,
        cast(datediff('month', classified.first_active_month, classified.month) as integer)
            as months_since_first_active,
        classified.is_active,
        classified.was_active_previous_month,
        classified.active_subscriptions,
        classified.mrr,
        classified.previous_mrr,
        classified.movement,
        cast(
            classified.mrr - classified.previous_mrr as {{ derived_money_type() }}
        ) as movement_amount
    from classified
    left join customers
        on classified.customer_id = customers.customer_id

)

select * from final
