-- Every rollup row of mrr_bridge adds up the finest-grain rows it covers (the movements and the
-- customer counts).
with

bridge as (

    select * from {{ ref('mrr_bridge') }}

),

finest as (

    select * from bridge
    where grouping_level = 0

),

rollups as (

    select * from bridge
    where grouping_level > 0

),

recomputed as (

    select
        rollups.month,
        rollups.segment,
        rollups.plan_tier,
        rollups.acquisition_channel,
        any_value(rollups.mrr_start) as mrr_start,
        any_value(rollups.new) as new_mrr,
        any_value(rollups.churn) as churn_mrr,
        any_value(rollups.mrr_end) as mrr_end,
        any_value(rollups.customers_churned) as customers_churned,
        sum(finest.mrr_start) as finest_mrr_start,
        sum(finest.new) as finest_new_mrr,
        sum(finest.churn) as finest_churn_mrr,
        sum(finest.mrr_end) as finest_mrr_end,
        sum(finest.customers_churned) as finest_customers_churned
    from rollups
    inner join finest
        on
            rollups.month = finest.month
            and rollups.segment in ('all', finest.segment)
            and rollups.plan_tier in ('all', finest.plan_tier)
            and rollups.acquisition_channel in ('all', finest.acquisition_channel)
    group by rollups.month, rollups.segment, rollups.plan_tier, rollups.acquisition_channel

)

select * from recomputed
where
    mrr_start <> finest_mrr_start
    or new_mrr <> finest_new_mrr
    or churn_mrr <> finest_churn_mrr
    or mrr_end <> finest_mrr_end
    or customers_churned <> finest_customers_churned
