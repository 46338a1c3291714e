{#- 12-month net and gross revenue retention per month (docs/metrics.md "Subscription revenue (MRR)
    metrics"): over the accounts active at t-12 (month-end snapshot of mrr_monthly),
    NRR = sum MRR_t / sum MRR_(t-12), GRR = sum min(MRR_t, MRR_(t-12)) / sum MRR_(t-12).
    Every grouping set of the account's segment x acquisition channel (group by month,
    cube(...): a rolled-up dimension is null, grouping_id names the set, macros/rollups.sql);
    each revenue_retention_12m* mart selects one. A month appears once its base month t-12 has
    data, and, with a declared history start (CXLINK_HISTORY_STARTS_AT), once t-12 is on or
    after its first observed month (macros/history.sql): a base month before it is a
    reconstruction that holds only the customers who survived into the data. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set dimensions = ['segment', 'acquisition_channel'] -%}

with

mrr_monthly as (

    select * from {{ ref('mrr_monthly') }}

),

active as (

    select
        customer_id,
        month,
        segment,
        acquisition_channel,
        mrr
    from mrr_monthly
    where is_active

),

months as (

    select distinct month from mrr_monthly

),

base as (

    -- accounts active at t-12, paired with their MRR at t (0 when no longer active)
    select
        months.month,
        base_active.month as base_month,
        base_active.customer_id,
        base_active.segment,
        base_active.acquisition_channel,
        base_active.mrr as base_mrr,
        coalesce(now_active.mrr, 0) as current_mrr,
        now_active.customer_id is not null as is_retained
    from months
    inner join active as base_active
        on
            cast(months.month - interval 12 month as date) = base_active.month
            and base_active.month >= coalesce({{ first_observed_month() }}, base_active.month)
    left join active as now_active
        on
            base_active.customer_id = now_active.customer_id
            and months.month = now_active.month

),

summed as (

    select
        month,
        base_month,
        segment,
        acquisition_channel,
        {{ grouping_id(dimensions) }} as grouping_id,
        count(*) as customers_base,
        count(*) filter (where is_retained) as customers_retained,
        sum(base_mrr) as mrr_base,
        sum(current_mrr) as mrr_current,
        sum(least(current_mrr, base_mrr)) as mrr_current_capped
    from base
    group by month, base_month, cube(segment, acquisition_channel)

),

final as (

    select
        month,
        base_month,
        segment,
        acquisition_channel,
        grouping_id,
        -- the reporting currency of the MRR columns
        '{{ reporting_currency() }}' as currency,
        customers_base,
        customers_retained,
        {{ safe_ratio('customers_retained', 'customers_base') }} as logo_retention_12m,
        cast(mrr_base as decimal(38, 4)) as mrr_base,
        cast(mrr_current as decimal(38, 4)) as mrr_current,
        cast(mrr_current_capped as decimal(38, 4)) as mrr_current_capped,
        {{ safe_ratio('mrr_current', 'mrr_base') }} as nrr_12m,
        {{ safe_ratio('mrr_current_capped', 'mrr_base') }} as grr_12m
    from summed

)

select * from final
