{#- Finance-facing retention and churn by NPS category at each horizon
    (docs/metrics.md "Linking NPS to retention and revenue": compare churn by NPS category at a
    fixed horizon, counted from the response date; this mart uses EACH response whose horizon has
    passed, one per customer per month). A customer can contribute several responses, so the
    standard error is the customer-clustered (sandwich) one:
        Var(p) = sum over customers c of (sum over i in c of (y_i - p))^2 / n^2
    computed exactly from integer counts as sum_c (n * r_c - n_c * r)^2 / n^4
    (n, r: responses and retained in the cell; n_c, r_c: the same for customer c). The interval
    is the Wilson score interval of nps_retention on the effective number of responses
    n_eff = p (1 - p) / Var(p), capped at n, and n where p is 0 or 1 (macros/statistics.sql
    clustered_effective_n): unlike a Wald interval it keeps its width at 0% and 100%. -#}
{%- set z = var('ci_z') -%}
{%- set horizons = var('retention_horizons') -%}

with

retention as (

    select * from {{ ref('int_surveys__nps_responses_with_retention') }}

),

observations as (

    {% for k in horizons -%}
        select
            nps_category,
            {{ k }} as horizon_months,
            customer_id,
            response_id,
            is_retained_{{ k }}m as is_retained
        from retention
        where has_horizon_passed_{{ k }}m
        {% if not loop.last -%}
            union all
        {% endif -%}
    {%- endfor %}

),

per_customer as (

    select
        nps_category,
        horizon_months,
        customer_id,
        count(*) as customer_responses,
        count(*) filter (where is_retained) as customer_retained
    from observations
    group by nps_category, horizon_months, customer_id

),

per_category as (

    select
        nps_category,
        horizon_months,
        cast(sum(customer_responses) as bigint) as responses,
        count(*) as customers,
        cast(sum(customer_retained) as bigint) as retained
    from per_customer
    group by nps_category, horizon_months

),

clustered_variance as (

    select
        per_customer.nps_category,
        per_customer.horizon_months,
        -- exact integer sum of squared cluster residuals, scaled by n^2
        sum(
            cast(
                per_category.responses * per_customer.customer_retained
                - per_customer.customer_responses * per_category.retained
                as hugeint
            ) * cast(
                per_category.responses * per_customer.customer_retained
                - per_customer.customer_responses * per_category.retained
                as hugeint
            )
        ) as scaled_residual_square_sum
    from per_customer
    inner join per_category
        on
            per_customer.nps_category = per_category.nps_category
            and per_customer.horizon_months = per_category.horizon_months
    group by per_customer.nps_category, per_customer.horizon_months

),

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

estimates as (

    select
        per_category.nps_category,
        per_category.horizon_months,
        per_category.responses,
        per_category.customers,
        per_category.retained,
        cast(per_category.retained as double) / per_category.responses as retention_rate,
        sqrt(
            cast(clustered_variance.scaled_residual_square_sum as double)
            / (cast(per_category.responses as double) * per_category.responses)
            / (cast(per_category.responses as double) * per_category.responses)
        ) as retention_se
    from per_category
    inner join clustered_variance
        on
            per_category.nps_category = clustered_variance.nps_category
            and per_category.horizon_months = clustered_variance.horizon_months

),

effective as (

    select
        *,
        {{ clustered_effective_n('retention_rate', 'retention_se * retention_se', 'responses') }}
            as effective_responses
    from estimates

),

intervals as (

    -- Wilson on the effective n, as nps_retention's Wilson on n: valid at 0% and 100%, where
    -- the clustered SE is 0 and a Wald interval would have zero width
    select
        *,
        {{ wilson_interval(
            'retention_rate * effective_responses', 'effective_responses', z, 'lower'
        ) }} as retention_ci_low,
        {{ wilson_interval(
            'retention_rate * effective_responses', 'effective_responses', z, 'upper'
        ) }} as retention_ci_high,
        1 - retention_rate as churn_rate
    from effective

),

promoter_churn as (

    select
        horizon_months,
        churn_rate as promoter_churn_rate
    from intervals
    where nps_category = 'promoter'

),

final as (

    select
        intervals.nps_category,
        intervals.horizon_months,
        intervals.responses,
        intervals.customers,
        intervals.retained,
        intervals.retention_rate,
        intervals.retention_se,
        intervals.effective_responses,
        cast(intervals.retention_ci_low as double) as retention_ci_low,
        cast(intervals.retention_ci_high as double) as retention_ci_high,
        intervals.churn_rate,
        -- churn is 1 - retention: same standard error, mirrored interval
        intervals.retention_se as churn_se,
        cast(1 - intervals.retention_ci_high as double) as churn_ci_low,
        cast(1 - intervals.retention_ci_low as double) as churn_ci_high,
        intervals.churn_rate - promoter_churn.promoter_churn_rate as churn_gap_vs_promoter,
        cast({{ z }} as double) as ci_z,
        'customer_clustered_wilson' as ci_method,
        as_of.as_of_date
    from intervals
    left join promoter_churn
        on intervals.horizon_months = promoter_churn.horizon_months
    cross join as_of

)

select * from final
