-- FX changes make no MRR movement (docs/metrics.md "Subscription revenue (MRR) metrics"): a
-- customer's MRR can only go up or down between two month-end snapshots when one of their
-- subscription periods starts or ends in between.
-- Every expansion and contraction must have such a period change.
-- It reads two models: meta dagster.ref makes it a Dagster check of the mart it guards.
{{ config(meta={'dagster': {'ref': {'name': 'mrr_monthly'}}}) }}

with

mrr_monthly as (

    select * from {{ ref('mrr_monthly') }}

),

periods as (

    select * from {{ ref('int_billing__subscription_periods_converted') }}

),

moves as (

    select
        customer_id,
        month,
        snapshot_date,
        movement,
        -- the previous snapshot: the last day of the previous month
        cast(month - interval 1 day as date) as previous_snapshot_date
    from mrr_monthly
    where movement in ('expansion', 'contraction')

)

select moves.* from moves
where not exists (
    select 1 from periods
    where
        periods.customer_id = moves.customer_id
        and (
            (
                periods.period_start_date > moves.previous_snapshot_date
                and periods.period_start_date <= moves.snapshot_date
            )
            or (
                periods.period_end_date > moves.previous_snapshot_date
                and periods.period_end_date <= moves.snapshot_date
            )
        )
)
