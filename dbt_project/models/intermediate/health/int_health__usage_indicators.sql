{#- Per active account-month with product usage in its windows (docs/metrics.md "Customer health
    and closing the loop", Health score), over the complete weeks (Monday to Sunday) ended by
    the snapshot date: the recent weeks are the usage_recent_weeks (4) latest, the baseline the
    usage_baseline_weeks (8) before them. usage_trend = mean weekly key events of the recent
    weeks / of the baseline weeks - 1 (null without both, or with no baseline events);
    seat_utilisation = active users / seats summed over the recent weeks that report seats;
    mean_active_users = mean weekly active users of the weeks starting in the ticket window
    (the denominator of tickets per user). Means are over the weeks with a row. -#}

with

usage_weeks as (

    select * from {{ ref('stg_product__usage_weeks') }}

),

account_months as (

    select * from {{ ref('int_health__account_months') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

anchored as (

    select
        account_months.customer_id,
        account_months.month_start,
        parameters.usage_recent_weeks,
        parameters.usage_baseline_weeks,
        -- the Monday of the last week that ends on or before the snapshot date
        cast(
            date_trunc('week', account_months.snapshot_date + 1) - interval 7 day as date
        ) as last_week_start,
        cast(
            account_months.snapshot_date - to_months(parameters.ticket_window_months) as date
        ) as ticket_window_start
    from account_months
    cross join parameters

),

weeks as (

    select
        anchored.customer_id,
        anchored.month_start,
        usage_weeks.active_users,
        usage_weeks.seats,
        usage_weeks.key_events,
        (anchored.last_week_start - usage_weeks.week_start) // 7 < anchored.usage_recent_weeks
            as is_recent,
        (anchored.last_week_start - usage_weeks.week_start) // 7
        between anchored.usage_recent_weeks
        and anchored.usage_recent_weeks + anchored.usage_baseline_weeks - 1 as is_baseline,
        usage_weeks.week_start > anchored.ticket_window_start as is_in_ticket_window
    from anchored
    inner join usage_weeks
        on
            anchored.customer_id = usage_weeks.customer_id
            and anchored.last_week_start >= usage_weeks.week_start
            and (
                anchored.ticket_window_start < usage_weeks.week_start
                or (anchored.last_week_start - usage_weeks.week_start) // 7
                < anchored.usage_recent_weeks + anchored.usage_baseline_weeks
            )

),

aggregated as (

    select
        weeks.customer_id,
        weeks.month_start,
        count(*) filter (where weeks.is_recent) as recent_weeks,
        count(*) filter (where weeks.is_baseline) as baseline_weeks,
        avg(weeks.key_events) filter (where weeks.is_recent) as recent_key_events,
        avg(weeks.key_events) filter (where weeks.is_baseline) as baseline_key_events,
        sum(weeks.active_users) filter (
            where weeks.is_recent and weeks.seats > 0
        ) as recent_active_seat_users,
        sum(weeks.seats) filter (where weeks.is_recent and weeks.seats > 0) as recent_seats,
        avg(weeks.active_users) filter (where weeks.is_in_ticket_window) as mean_active_users
    from weeks
    group by weeks.customer_id, weeks.month_start

),

final as (

    select
        customer_id,
        month_start,
        recent_weeks,
        baseline_weeks,
        cast(recent_key_events as double) as recent_key_events,
        cast(baseline_key_events as double) as baseline_key_events,
        cast(recent_key_events / nullif(baseline_key_events, 0) - 1 as double) as usage_trend,
        cast(recent_active_seat_users / recent_seats as double) as seat_utilisation,
        cast(mean_active_users as double) as mean_active_users
    from aggregated

)

select * from final
