{#- Every billed customer in each of the eight cells of the CLV grain it belongs to: its own
    segment x plan_tier x acquisition_channel and every rollup where a dimension reads 'all'
    (the convention of marts.nps_monthly). billing_model: 'subscription' when the customer has
    any subscription period, 'one_time' when it has none but at least one one_time invoice
    line (the non-subscription form of docs/metrics.md "CLV and CAC"); other customers are left
    out. Aggregating by cell then gives every rollup with per-customer clusters intact. -#}

with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

subscribers as (

    select distinct customer_id from subscriptions

),

one_time_buyers as (

    select distinct customer_id
    from invoices
    where line_type = 'one_time'

),

billed as (

    select
        customers.customer_id,
        customers.segment,
        customers.plan_tier,
        customers.acquisition_channel,
        case
            when subscribers.customer_id is not null then 'subscription'
            else 'one_time'
        end as billing_model
    from customers
    left join subscribers
        on customers.customer_id = subscribers.customer_id
    left join one_time_buyers
        on customers.customer_id = one_time_buyers.customer_id
    where subscribers.customer_id is not null or one_time_buyers.customer_id is not null

),

rollup_masks as (

    -- 1 = the dimension is rolled up ('all') in that cell
    select
        segment_flags.segment_rolled,
        plan_tier_flags.plan_tier_rolled,
        channel_flags.channel_rolled
    from (values (0), (1)) as segment_flags (segment_rolled)
    cross join (values (0), (1)) as plan_tier_flags (plan_tier_rolled)
    cross join (values (0), (1)) as channel_flags (channel_rolled)

),

final as (

    select
        billed.customer_id,
        billed.billing_model,
        case when rollup_masks.segment_rolled = 1 then 'all' else billed.segment end as segment,
        case
            when rollup_masks.plan_tier_rolled = 1 then 'all' else billed.plan_tier
        end as plan_tier,
        case
            when rollup_masks.channel_rolled = 1 then 'all' else billed.acquisition_channel
        end as acquisition_channel,
        cast(
            rollup_masks.segment_rolled
            + rollup_masks.plan_tier_rolled
            + rollup_masks.channel_rolled
            as integer
        ) as grouping_level,
        billed.acquisition_channel as customer_acquisition_channel
    from billed
    cross join rollup_masks

)

select * from final
