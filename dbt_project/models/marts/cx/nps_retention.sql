{#- Retention by NPS category per response month
    (docs/metrics.md "Linking NPS to retention and revenue", seed method): of the customers who
    answered in a month, how many were still active k months after their response, with a Wilson
    score interval. One response per customer per month (their latest,
    int_surveys__nps_responses_with_retention). -#}
{%- set z = var('ci_z') -%}
{%- set horizons = var('retention_horizons') -%}

with

retention as (

    select * from {{ ref('int_surveys__nps_responses_with_retention') }}

),

counted as (

    select
        response_month,
        nps_category,
        count(*) as customers,
        {%- for k in horizons %}
            count(*) filter (
                where has_horizon_passed_{{ k }}m
            ) as customers_observed_{{ k }}m,
            count(*) filter (where is_retained_{{ k }}m) as retained_{{ k }}m,
        {%- endfor %}
        max(as_of_date) as as_of_date
    from retention
    group by response_month, nps_category

),

final as (

    select
        response_month,
        nps_category,
        customers,
        {%- for k in horizons %}
            customers_observed_{{ k }}m,
            case
                when customers_observed_{{ k }}m > 0 then retained_{{ k }}m
            end as retained_{{ k }}m,
            case
                when customers_observed_{{ k }}m > 0
                    then cast(retained_{{ k }}m as double) / customers_observed_{{ k }}m
            end as retention_rate_{{ k }}m,
            {{ wilson_interval(
                'retained_' ~ k ~ 'm', 'customers_observed_' ~ k ~ 'm', z, 'lower'
            ) }} as retention_ci_low_{{ k }}m,
            {{ wilson_interval(
                'retained_' ~ k ~ 'm', 'customers_observed_' ~ k ~ 'm', z, 'upper'
            ) }} as retention_ci_high_{{ k }}m,
            case
                when customers_observed_{{ k }}m > 0
                    then 1 - cast(retained_{{ k }}m as double) / customers_observed_{{ k }}m
            end as churn_rate_{{ k }}m,
        {%- endfor %}
        as_of_date,
        cast({{ z }} as double) as ci_z,
        'wilson' as ci_method
    from counted

)

select * from final
