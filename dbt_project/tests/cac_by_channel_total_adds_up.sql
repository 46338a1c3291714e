-- The 'all' row of each month sums its channels' new customers and spend.
with

cac as (

    select * from {{ ref('cac_by_channel') }}

),

channels as (

    select
        month,
        sum(new_customers) as new_customers,
        sum(spend) as spend,
        count(spend) = count(*) as is_spend_known
    from cac
    where not is_total
    group by month

)

select
    cac.month,
    cac.new_customers,
    channels.new_customers as channel_new_customers,
    cac.spend,
    channels.spend as channel_spend
from cac
inner join channels
    on cac.month = channels.month
where
    cac.is_total
    and (
        cac.new_customers <> channels.new_customers
        or (cac.spend is null) = channels.is_spend_known
        or cac.spend <> channels.spend
    )
