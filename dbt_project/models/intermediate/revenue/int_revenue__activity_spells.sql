{#- Gaps and islands: merge each customer's overlapping or contiguous subscription periods into
    activity spells [spell_start_date, spell_end_date). End dates are exclusive, so a period
    starting on the day another ends continues the same spell. A customer is active on date X
    iff some spell has spell_start_date <= X < spell_end_date (null end = ongoing): a customer churns
    only when their last subscription ends (docs/metrics.md "Subscription revenue (MRR) metrics"). -#}
{%- set open_end = "date '9999-12-31'" -%}

with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

periods as (

    select
        customer_id,
        period_start_date,
        -- an ongoing period runs to a far-future sentinel while merging
        coalesce(period_end_date, {{ open_end }}) as period_end_date
    from subscriptions

),

running_ends as (

    select
        customer_id,
        period_start_date,
        period_end_date,
        -- latest end of all earlier periods of the customer (earlier by start, then end)
        max(period_end_date) over (
            partition by customer_id
            order by period_start_date, period_end_date
            rows between unbounded preceding and 1 preceding
        ) as previous_max_end_date
    from periods

),

spell_starts as (

    select
        *,
        -- a gap (start after every earlier end) starts a new spell; touching does not
        case
            when
                previous_max_end_date is null
                or period_start_date > previous_max_end_date
                then 1
            else 0
        end as is_spell_start
    from running_ends

),

numbered as (

    select
        *,
        sum(is_spell_start) over (
            partition by customer_id
            order by period_start_date, period_end_date
            rows between unbounded preceding and current row
        ) as spell_number
    from spell_starts

),

spells as (

    select
        customer_id,
        spell_number,
        min(period_start_date) as spell_start_date,
        max(period_end_date) as spell_end_date,
        count(*) as subscription_periods
    from numbered
    group by customer_id, spell_number

),

final as (

    select
        customer_id || ':' || spell_number as customer_spell_id,
        customer_id,
        cast(spell_number as integer) as spell_number,
        spell_start_date,
        nullif(spell_end_date, {{ open_end }}) as spell_end_date,
        spell_end_date = {{ open_end }} as is_ongoing,
        subscription_periods
    from spells

)

select * from final
