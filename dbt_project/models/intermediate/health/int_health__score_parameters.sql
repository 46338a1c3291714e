{#- One row: the scales of the configured health score, its onboarding cut-off and its version
    (int_health__score_config repeats them on every row; docs/metrics.md "Customer health and
    closing the loop", Health score). -#}

with

config as (

    select * from {{ ref('int_health__score_config') }}

),

final as (

    select distinct
        onboarding_months,
        nps_lookback_months,
        sentiment_lookback_months,
        ticket_window_months,
        tickets_per_user_zero_at,
        urgent_tickets_zero_at,
        usage_recent_weeks,
        usage_baseline_weeks,
        usage_decline_zero_at,
        seat_utilisation_full_at,
        payment_window_months,
        payment_problems_zero_at,
        score_version
    from config

)

select * from final
