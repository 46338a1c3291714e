{#- One lifetime per row, the input of the Kaplan-Meier / RMST estimates (docs/metrics.md "CLV
    and CAC": lifetime from survival curves). Subscription customers: every activity spell
    (int_revenue__activity_spells) is one lifetime, from its first day to its end (the churn:
    the event) or to the as-of date (censored; an end after the as-of date is not known yet),
    so a reactivation starts a new lifetime. One-time buyers: first order to lapse (event) or
    the as-of date (censored), see int_finance__one_time_buyers. Durations in days. nps_category:
    the category of the customer's latest NPS response dated before the lifetime's end (the
    rule of int_finance__customer_months, whose churned month counts under the category
    before it), null when it has none; the Kaplan-Meier by NPS category groups by it. -#}

with

spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

one_time_buyers as (

    select * from {{ ref('int_finance__one_time_buyers') }}

),

nps_responses as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

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

latest_categories as (

    -- same-day responses: the later one by time, then id (as int_finance__customer_months)
    select
        unioned.lifetime_id,
        arg_max(
            nps_responses.nps_category,
            (nps_responses.responded_at, nps_responses.response_id)
        ) as nps_category
    from unioned
    inner join nps_responses
        on
            unioned.customer_id = nps_responses.customer_id
            and unioned.end_date > nps_responses.response_date
    group by unioned.lifetime_id

),

final as (

    select
        unioned.lifetime_id,
        unioned.customer_id,
        unioned.billing_model,
        unioned.start_date,
        unioned.end_date,
        cast(unioned.end_date - unioned.start_date as integer) as duration_days,
        unioned.is_event,
        latest_categories.nps_category
    from unioned
    left join latest_categories
        on unioned.lifetime_id = latest_categories.lifetime_id

)

select * from final
