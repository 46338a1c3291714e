{#- Acquisition and retention costs over the CLV window, per acquisition channel and for all
    channels ('all'), in the reporting currency (docs/metrics.md "CLV and CAC"):
    CAC = sales and marketing spend / new customers gained (int_revenue__cac_rollups, the months
    of marts.cac_by_channel and cac_total, whose spend is lagged by var cac_lag_months; only
    months whose spend is known count, on both sides);
    CRC = onboarding + support + success cost / customers gained in the same months (the seed's
    quick estimate; service costs are company-wide, so CRC is one figure for every channel).
    Accounting figures: no sampling interval. One row per channel of any customer or spend row
    and always the 'all' row, so a missing input (no spend in the window, nobody acquired in
    it, no service costs) nulls the figure that needs it, with cac_null_reason /
    crc_null_reason saying why, and never empties the table (docs/metrics.md "CLV and CAC"). -#}

with

cac_by_channel as (

    -- the month totals (grouping_id 1) as channel 'all', the label of this model's rows
    select
        * replace (
            case when grouping_id = 1 then 'all' else acquisition_channel end
                as acquisition_channel
        )
    from {{ ref('int_revenue__cac_rollups') }}

),

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

service_costs as (

    select * from {{ ref('int_billing__service_costs_converted') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

channels as (

    select acquisition_channel
    from customers
    where acquisition_channel is not null
    union
    select acquisition_channel from cac_by_channel
    union
    select 'all'

),

window_months as (

    select cac_by_channel.*
    from cac_by_channel
    cross join measurement_window
    where
        cac_by_channel.month >= measurement_window.window_start_month
        and cac_by_channel.month < measurement_window.window_end_month

),

channel_window as (

    -- every channel, with or without months in the window
    select
        channels.acquisition_channel,
        sum(window_months.spend) as spend,
        sum(window_months.new_customers) filter (
            where window_months.spend is not null
        ) as new_customers,
        count(window_months.spend) as months_with_spend
    from channels
    left join window_months
        on channels.acquisition_channel = window_months.acquisition_channel
    group by channels.acquisition_channel

),

gained as (

    select sum(cac_by_channel.new_customers) as customers_gained
    from cac_by_channel
    cross join measurement_window
    where
        cac_by_channel.acquisition_channel = 'all'
        and cac_by_channel.month >= measurement_window.window_start_month
        and cac_by_channel.month < measurement_window.window_end_month

),

retention_costs as (

    select
        sum(service_costs.cost_reporting) as service_costs,
        count(distinct service_costs.cost_month) as months_with_costs
    from service_costs
    cross join measurement_window
    where
        service_costs.cost_month >= measurement_window.window_start_month
        and service_costs.cost_month < measurement_window.window_end_month

),

final as (

    select
        channel_window.acquisition_channel,
        cast(channel_window.spend as decimal(38, 4)) as spend,
        cast(coalesce(channel_window.new_customers, 0) as bigint) as new_customers,
        cast(channel_window.months_with_spend as integer) as months_with_spend,
        cast(channel_window.spend / nullif(channel_window.new_customers, 0) as double) as cac,
        case
            when channel_window.months_with_spend = 0 then 'no_spend_in_window'
            when coalesce(channel_window.new_customers, 0) = 0
                then 'no_customers_acquired_in_window'
        end as cac_null_reason,
        cast(retention_costs.service_costs as decimal(38, 4)) as service_costs,
        cast(coalesce(gained.customers_gained, 0) as bigint) as customers_gained,
        cast(
            retention_costs.service_costs / nullif(gained.customers_gained, 0) as double
        ) as crc,
        case
            when retention_costs.service_costs is null then 'no_service_costs_in_window'
            when coalesce(gained.customers_gained, 0) = 0 then 'no_customers_acquired_in_window'
        end as crc_null_reason
    from channel_window
    cross join gained
    cross join retention_costs

)

select * from final
