{#- Predicted CLV per one-time buyer (docs/metrics.md "Predictive CLV and churn drivers"):
    expected revenue = expected purchases x expected spend per purchase; predicted CLV = gross
    margin x expected spend per purchase x the discounted expected purchases (the predictions:
    int_predictive__customer_predictions). -#}

with

predictions as (

    select * from {{ ref('int_predictive__customer_predictions') }}

),

final as (

    select
        customer_id,
        segment,
        first_order_date,
        purchase_days,
        frequency,
        recency_weeks,
        age_weeks,
        monetary_value,
        as_of_date,
        p_alive,
        expected_purchases,
        spend_model,
        expected_spend_per_purchase,
        expected_purchases * expected_spend_per_purchase as expected_revenue,
        {{ gross_margin() }}
        * expected_spend_per_purchase
        * discounted_purchases as predicted_clv,
        prediction_horizon_months,
        monthly_discount_rate,
        {{ gross_margin() }} as gross_margin,
        '{{ reporting_currency() }}' as currency,
        prediction_null_reason,
        value_null_reason
    from predictions

)

select * from final
