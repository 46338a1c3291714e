{#- Per account in the latest month of marts.customer_health (the as-of month): its health
    score and band, the band the month before, the learned churn probability with the month's
    mean (the baseline of ARR at risk) and, for a red account, when its current run of red
    months began (docs/metrics.md "Follow-up rules"). red_since_date is the snapshot day of the
    run's first month: the as-of date for an account red this month and not the month before. -#}

with

health as (

    select * from {{ ref('customer_health') }}

),

latest_month as (

    select max(month_start) as month_start
    from health

),

latest_health as (

    select health.*
    from health
    inner join latest_month
        on health.month_start = latest_month.month_start

),

last_not_red as (

    select
        customer_id,
        max(month_start) as month_start
    from health
    where health_band != 'red'
    group by customer_id

),

red_runs as (

    select
        latest_health.customer_id,
        min(health.snapshot_date) as red_since_date
    from latest_health
    inner join health
        on latest_health.customer_id = health.customer_id
    left join last_not_red
        on latest_health.customer_id = last_not_red.customer_id
    where
        latest_health.health_band = 'red'
        and health.health_band = 'red'
        and health.month_start > coalesce(last_not_red.month_start, date '0001-01-01')
    group by latest_health.customer_id

),

final as (

    select
        -- ids
        latest_health.customer_id,

        -- attributes
        latest_health.health_band,
        previous.health_band as previous_health_band,
        latest_health.score_version,

        -- scores and probabilities
        latest_health.health_score,
        latest_health.learned_churn_probability,
        avg(latest_health.learned_churn_probability) over () as health_baseline_probability,
        latest_health.horizon_months,

        -- dates
        latest_health.month_start as health_month_start,
        red_runs.red_since_date

    from latest_health
    left join health as previous
        on
            latest_health.customer_id = previous.customer_id
            and previous.month_start = cast(latest_health.month_start - to_months(1) as date)
    left join red_runs
        on latest_health.customer_id = red_runs.customer_id

)

select * from final
