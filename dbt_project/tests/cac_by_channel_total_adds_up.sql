-- cac_total's row of each month sums the month's cac_by_channel rows: new customers, and spend,
-- which is null on the total when any channel's is (and only then).
-- Two models: Dagster shows it as a check on cac_total.
{{ config(meta={'dagster': {'ref': {'name': 'cac_total'}}}) }}

with

cac_by_channel as (

    select * from {{ ref('cac_by_channel') }}

),

cac_total as (

    select * from {{ ref('cac_total') }}

),

channels as (

    select
        month,
        sum(new_customers) as new_customers,
        sum(spend) as spend,
        count(spend) = count(*) as is_spend_known
    from cac_by_channel
    group by month

)

select
    coalesce(cac_total.month, channels.month) as month,
    cac_total.new_customers,
    channels.new_customers as channel_new_customers,
    cac_total.spend,
    channels.spend as channel_spend
from cac_total
full outer join channels
    on cac_total.month = channels.month
where
    cac_total.month is null
    or channels.month is null
    or cac_total.new_customers <> channels.new_customers
    or (cac_total.spend is null) = channels.is_spend_known
    or cac_total.spend <> channels.spend
