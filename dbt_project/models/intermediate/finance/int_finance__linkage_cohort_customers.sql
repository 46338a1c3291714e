{#- The seed method's cohort (docs/metrics.md "Linking NPS to retention and revenue": "of the
    promoters you had a year ago, how many stayed?"): every customer active on the cohort date
    (as-of date minus var linkage_horizon_months) who had answered an NPS survey on or before
    it, categorised by the LATEST such response. The horizon is counted from the cohort date
    (the horizon start) to cohort_horizon_date (the same number of months later): churned = not
    active on that day. Counting from the cohort date rather than from each response date keeps
    the outcome free of look-ahead: choosing a customer's latest response whatever its date
    picks the last one before a churn. MRR in the reporting currency on both days (the periods
    covering the day, int_billing__subscription_periods_converted) gives the cohort's NRR. One row per
    customer. -#}

with

spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

periods as (

    select * from {{ ref('int_billing__subscription_periods_converted') }}

),

nps_responses as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

active_on_cohort_date as (

    select distinct spells.customer_id
    from spells
    cross join measurement_window
    where
        spells.spell_start_date <= measurement_window.cohort_date
        and (
            spells.spell_end_date is null
            or spells.spell_end_date > measurement_window.cohort_date
        )

),

active_on_horizon_date as (

    select distinct spells.customer_id
    from spells
    cross join measurement_window
    where
        spells.spell_start_date <= measurement_window.cohort_horizon_date
        and (
            spells.spell_end_date is null
            or spells.spell_end_date > measurement_window.cohort_horizon_date
        )

),

latest_responses as (

    select
        nps_responses.customer_id,
        nps_responses.response_id,
        nps_responses.response_date,
        nps_responses.nps_category,
        nps_responses.nps_points,
        nps_responses.segment
    from nps_responses
    cross join measurement_window
    where nps_responses.response_date <= measurement_window.cohort_date
    qualify row_number() over (
        partition by nps_responses.customer_id
        order by nps_responses.responded_at desc, nps_responses.response_id desc
    ) = 1

),

mrr_on_days as (

    select
        periods.customer_id,
        sum(periods.mrr_reporting) filter (
            where
            periods.period_start_date <= measurement_window.cohort_date
            and (
                periods.period_end_date is null
                or periods.period_end_date > measurement_window.cohort_date
            )
        ) as mrr_start,
        sum(periods.mrr_reporting) filter (
            where
            periods.period_start_date <= measurement_window.cohort_horizon_date
            and (
                periods.period_end_date is null
                or periods.period_end_date > measurement_window.cohort_horizon_date
            )
        ) as mrr_end
    from periods
    cross join measurement_window
    group by periods.customer_id

),

final as (

    select
        latest_responses.customer_id,
        latest_responses.segment,
        latest_responses.response_id,
        latest_responses.response_date,
        latest_responses.nps_category,
        latest_responses.nps_points,
        measurement_window.cohort_date,
        measurement_window.cohort_horizon_date,
        active_on_horizon_date.customer_id is null as is_churned,
        cast(coalesce(mrr_on_days.mrr_start, 0) as decimal(38, 4)) as mrr_start,
        cast(coalesce(mrr_on_days.mrr_end, 0) as decimal(38, 4)) as mrr_end
    from latest_responses
    inner join active_on_cohort_date
        on latest_responses.customer_id = active_on_cohort_date.customer_id
    left join active_on_horizon_date
        on latest_responses.customer_id = active_on_horizon_date.customer_id
    left join mrr_on_days
        on latest_responses.customer_id = mrr_on_days.customer_id
    cross join measurement_window

)

select * from final
