{#- One lifetime per row, the input of the Kaplan-Meier / RMST estimates (domain.md "CLV and
    CAC": lifetime from survival curves). Subscription customers: every activity spell
    (int_customer_activity_spells) is one lifetime, from its first day to its end (the churn:
    the event) or to the as-of date (censored; an end after the as-of date is not known yet),
    so a reactivation starts a new lifetime. One-time buyers: first order to lapse (event) or
    the as-of date (censored), see int_finance__one_time_buyers. Durations in days. -#}

with

spells as (

    select * from {{ ref('int_customer_activity_spells') }}

),

one_time_buyers as (

    select * from {{ ref('int_finance__one_time_buyers') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_window') }}

),

subscription_lifetimes as (

    select
        spells.customer_spell_id as lifetime_id,
        spells.customer_id,
        'subscription' as billing_model,
        spells.spell_start_date as start_date,
        coalesce(spells.spell_end_date <= measurement_window.as_of_date, false) as is_event,
        case
            when spells.spell_end_date <= measurement_window.as_of_date
                then spells.spell_end_date
            else measurement_window.as_of_date
        end as end_date
    from spells
    cross join measurement_window
    where spells.spell_start_date <= measurement_window.as_of_date

),

one_time_lifetimes as (

    select
        customer_id || ':1' as lifetime_id,
        customer_id,
        'one_time' as billing_model,
        first_order_date as start_date,
        has_lapsed as is_event,
        active_until_date as end_date
    from one_time_buyers

),

unioned as (

    select * from subscription_lifetimes
    union all
    select * from one_time_lifetimes

),

final as (

    select
        lifetime_id,
        customer_id,
        billing_model,
        start_date,
        end_date,
        cast(end_date - start_date as integer) as duration_days,
        is_event
    from unioned

)

select * from final
