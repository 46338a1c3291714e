-- The bridge chains: a month's mrr_start is the previous month's mrr_end, for the total and for
-- every segment and channel slice over all tiers (the grouping sets of
-- int_revenue__mrr_bridge_rollups with plan_tier rolled up, bit 2 of grouping_id; a tier change
-- moves MRR between tiers, see mrr_bridge). A slice missing in one of the two months counts as 0.
with

bridge as (

    select * from {{ ref('int_revenue__mrr_bridge_rollups') }}
    where grouping_id & 2 = 2

),

chained as (

    select
        coalesce(current_month.month, cast(previous_month.month + interval 1 month as date))
            as month,
        coalesce(current_month.grouping_id, previous_month.grouping_id) as grouping_id,
        coalesce(current_month.segment, previous_month.segment) as segment,
        coalesce(current_month.acquisition_channel, previous_month.acquisition_channel)
            as acquisition_channel,
        coalesce(current_month.mrr_start, 0) as mrr_start,
        coalesce(previous_month.mrr_end, 0) as previous_mrr_end,
        coalesce(current_month.customers_start, 0) as customers_start,
        coalesce(previous_month.customers_end, 0) as previous_customers_end
    from bridge as current_month
    full outer join bridge as previous_month
        on
            current_month.month = previous_month.month + interval 1 month
            and current_month.grouping_id = previous_month.grouping_id
            and current_month.segment is not distinct from previous_month.segment
            and current_month.acquisition_channel
            is not distinct from previous_month.acquisition_channel

),

first_month as (

    select min(month) as month from bridge

),

last_month as (

    select max(month) as month from bridge

)

select chained.* from chained
where
    chained.month > (select first_month.month from first_month)
    and chained.month <= (select last_month.month from last_month)
    and (
        chained.mrr_start <> chained.previous_mrr_end
        or chained.customers_start <> chained.previous_customers_end
    )
