{#- The BG/NBD + Gamma-Gamma fits of the one-time buyers, one row per fit (docs/metrics.md
    "Predictive CLV and churn drivers"): calibration (validated on the hold-out period) and
    full_history (the fit of clv_predicted_customers). Parameter intervals:
    clv_predicted_parameters; hold-out per frequency bucket: clv_predicted_validation. -#}

with

fits as (

    select * from {{ ref('int_predictive__clv_fits') }}

),

periods as (

    select * from {{ ref('int_predictive__clv_periods') }}

),

final as (

    select
        -- the fit
        fits.fit,
        case
            when fits.fit = 'calibration' then periods.calibration_end_date
            else periods.as_of_date
        end as period_end_date,
        fits.customers,
        fits.repeat_buyers,

        -- BG/NBD
        fits.bg_nbd_status,
        fits.bg_nbd_null_reason,
        fits.r,
        fits.alpha,
        fits.a,
        fits.b,
        fits.bg_nbd_log_likelihood,

        -- Gamma-Gamma and its independence assumption
        fits.gamma_gamma_status,
        fits.gamma_gamma_null_reason,
        fits.gamma_gamma_customers,
        fits.p,
        fits.q,
        fits.gamma,
        fits.gamma_gamma_log_likelihood,
        fits.population_mean_spend,
        '{{ reporting_currency() }}' as currency,
        fits.frequency_value_correlation,
        fits.frequency_value_correlation_ci_low,
        fits.frequency_value_correlation_ci_high,
        fits.correlation_customers,

        -- hold-out validation (calibration fit only)
        fits.holdout_weeks,
        case
            when fits.fit = 'calibration' then cast(periods.calibration_end_date + 1 as date)
        end as holdout_start_date,
        case when fits.fit = 'calibration' then periods.as_of_date end as holdout_end_date,
        fits.holdout_actual_purchases,
        fits.holdout_predicted_purchases,
        case
            when fits.holdout_actual_purchases > 0
                then
                    fits.holdout_predicted_purchases / fits.holdout_actual_purchases - 1
        end as holdout_relative_error,
        fits.holdout_mae
    from fits
    cross join periods

)

select * from final
