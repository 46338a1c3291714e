{#- Per active account-month: every health indicator's raw value and its normalised score s in
    [0, 1] (1 = healthy), through the macros of macros/health.sql, the one place they are
    scaled (docs/metrics.md "Customer health and closing the loop", Health score). s is null
    where the indicator is missing: no input, or no data for the account in its window. -#}

with

account_months as (

    select * from {{ ref('int_health__account_months') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

nps as (

    select * from {{ ref('int_health__nps_indicators') }}

),

sentiment as (

    select * from {{ ref('int_health__sentiment_indicators') }}

),

payments as (

    select * from {{ ref('int_health__payment_indicators') }}

),

support as (

    select * from {{ ref('int_health__support_indicators') }}

),

usage as (

    select * from {{ ref('int_health__usage_indicators') }}

),

raw_values as (

    select
        account_months.*,
        nps.latest_nps_category,
        nps.latest_nps_points,
        nps.previous_nps_category,
        nps.nps_points_change,
        nps.latest_nps_response_date,
        sentiment.tagged_comments,
        sentiment.mean_comment_sentiment,
        support.support_tickets,
        usage.mean_active_users,
        cast(
            support.support_tickets / nullif(usage.mean_active_users, 0) as double
        ) as tickets_per_user,
        support.urgent_tickets,
        usage.usage_trend,
        usage.seat_utilisation,
        payments.payment_problem_lines,
        payments.payment_problem_amount,
        parameters.onboarding_months,
        parameters.tickets_per_user_zero_at,
        parameters.urgent_tickets_zero_at,
        parameters.usage_decline_zero_at,
        parameters.seat_utilisation_full_at,
        parameters.payment_problems_zero_at,
        parameters.score_version
    from account_months
    cross join parameters
    left join nps
        on
            account_months.customer_id = nps.customer_id
            and account_months.month_start = nps.month_start
    left join sentiment
        on
            account_months.customer_id = sentiment.customer_id
            and account_months.month_start = sentiment.month_start
    left join payments
        on
            account_months.customer_id = payments.customer_id
            and account_months.month_start = payments.month_start
    left join support
        on
            account_months.customer_id = support.customer_id
            and account_months.month_start = support.month_start
    left join usage
        on
            account_months.customer_id = usage.customer_id
            and account_months.month_start = usage.month_start

),

final as (

    select
        -- ids
        customer_id,

        -- attributes
        segment,
        plan_tier,
        tenure_stage,
        latest_nps_category,
        previous_nps_category,
        time_split,
        horizon_months,
        churned_within_horizon,
        score_version,

        -- raw values
        latest_nps_points,
        nps_points_change,
        tagged_comments,
        mean_comment_sentiment,
        support_tickets,
        mean_active_users,
        tickets_per_user,
        urgent_tickets,
        usage_trend,
        seat_utilisation,
        payment_problem_lines,
        payment_problem_amount,
        tenure_months,

        -- normalised indicators, s in [0, 1]
        {{ health_nps_category_scale('latest_nps_points') }} as s_nps_category,
        {{ health_nps_change_scale('nps_points_change') }} as s_nps_change,
        {{ health_sentiment_scale('mean_comment_sentiment') }} as s_comment_sentiment,
        {{ health_fewer_is_better('tickets_per_user', 'tickets_per_user_zero_at') }}
            as s_tickets_per_user,
        {{ health_fewer_is_better('urgent_tickets', 'urgent_tickets_zero_at') }}
            as s_urgent_tickets,
        {{ health_usage_trend_scale('usage_trend', 'usage_decline_zero_at') }} as s_usage_trend,
        {{ health_seat_utilisation_scale('seat_utilisation', 'seat_utilisation_full_at') }}
            as s_seat_utilisation,
        {{ health_fewer_is_better('payment_problem_lines', 'payment_problems_zero_at') }}
            as s_payment_problems,
        {{ health_tenure_scale('tenure_months', 'onboarding_months') }} as s_tenure,

        -- amounts
        arr,

        -- dates
        month_start,
        snapshot_date,
        latest_nps_response_date,
        outcome_end_date,

        -- flags
        is_outcome_observed

    from raw_values

)

select * from final
