{#- marts.customer_health: one row per active account and month (docs/metrics.md "Customer
    health and closing the loop", Health score): the indicators, raw and normalised, the
    configured score and band with the configuration's version, the missing indicators and the
    three largest weighted shortfalls, and the learned churn probability. -#}

with

indicator_values as (

    select * from {{ ref('int_health__indicator_values') }}

),

configured as (

    select * from {{ ref('int_health__configured_scores') }}

),

learned as (

    select * from {{ ref('int_health__learned_scores') }}

),

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

final as (

    select
        -- ids
        indicator_values.customer_id,

        -- attributes
        indicator_values.segment,
        indicator_values.plan_tier,
        indicator_values.tenure_stage,
        configured.health_band,
        configured.missing_indicators,
        configured.top_shortfalls,
        indicator_values.latest_nps_category,
        indicator_values.previous_nps_category,
        configured.score_version,
        '{{ reporting_currency() }}' as currency,

        -- scores
        configured.health_score,
        configured.weight_present,
        learned.learned_churn_probability,
        learned.learned_as_configured_score,
        learned.learned_as_configured_band,

        -- raw indicator values
        indicator_values.latest_nps_points,
        indicator_values.nps_points_change,
        indicator_values.tagged_comments,
        indicator_values.mean_comment_sentiment,
        indicator_values.support_tickets,
        indicator_values.mean_active_users,
        indicator_values.tickets_per_user,
        indicator_values.urgent_tickets,
        indicator_values.usage_trend,
        indicator_values.seat_utilisation,
        indicator_values.payment_problem_lines,
        indicator_values.tenure_months,

        -- normalised indicators
        {%- for indicator in health_indicators() %}
            indicator_values.s_{{ indicator }},
        {%- endfor %}

        -- amounts
        indicator_values.arr,
        indicator_values.payment_problem_amount,

        -- dates
        indicator_values.month_start,
        indicator_values.snapshot_date,
        indicator_values.latest_nps_response_date,

        -- outcome
        indicator_values.churned_within_horizon,
        indicator_values.horizon_months,

        -- flags
        indicator_values.month_start = cast(
            date_trunc('month', as_of.as_of_date) as date
        ) as is_as_of_month

    from indicator_values
    cross join as_of
    inner join configured
        on
            indicator_values.customer_id = configured.customer_id
            and indicator_values.month_start = configured.month_start
    left join learned
        on
            indicator_values.customer_id = learned.customer_id
            and indicator_values.month_start = learned.month_start

)

select * from final
