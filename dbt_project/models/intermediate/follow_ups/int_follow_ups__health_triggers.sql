{#- The red health with high ARR reason (docs/metrics.md "Follow-up rules"): accounts whose
    health band is red in the latest month of marts.customer_health and whose ARR on the as-of
    date is at least var follow_up_min_arr (env CXLINK_FOLLOW_UP_MIN_ARR). The trigger is the
    start of the account's current run of red months (int_follow_ups__account_health,
    red_since_date); is_new_red: not red the month before (or no month before), the accounts the
    check account_follow_ups_new lists. -#}

with

account_health as (

    select * from {{ ref('int_follow_ups__account_health') }}

),

risk as (

    select * from {{ ref('int_follow_ups__account_risk') }}

),

follow_up_window as (

    select * from {{ ref('int_follow_ups__window') }}

),

final as (

    select
        account_health.customer_id,
        'red_health_high_arr' as reason_code,
        coalesce(account_health.previous_health_band, '') != 'red' as is_new_red,
        cast(account_health.red_since_date as timestamp) as trigger_at,
        account_health.red_since_date as trigger_date
    from account_health
    inner join risk
        on account_health.customer_id = risk.customer_id
    cross join follow_up_window
    where
        account_health.health_band = 'red'
        and risk.arr >= follow_up_window.high_arr_threshold

)

select * from final
