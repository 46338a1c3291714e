{#- Kaplan-Meier time to the second purchase per grouping set of segment (grouping_id as in
    macros/rollups.sql: 0 per segment, 1 over every buyer, segment null), for the
    repeat-purchase marts (docs/metrics.md "Transactional customers"). Each one-time buyer of
    int_finance__repeat_buyers is one duration from the first order: to the second order (the
    event) or to the as-of date (censored). With event times t_j, d_j second orders at t_j and
    n_j buyers at risk (duration >= t_j: a censored time ties after the events at it),
    S(t) = product over t_j <= t of (1 - d_j / n_j); a step where everyone at risk has the event
    drops S to 0. The median is the smallest t_j with S(t_j) <= 0.5 (lifelines' convention),
    null when S stays above 0.5 over the follow-up (fewer than half are seen to buy again). -#}
{%- set dimensions = ['segment'] -%}

with

buyers as (

    select * from {{ ref('int_finance__repeat_buyers') }}

),

grouped as (

    -- each buyer in both grouping sets: its segment, and every buyer (segment null)
    select
        {{ grouping_set_id(dimensions, ['segment']) }} as grouping_id,
        segment,
        duration_days,
        is_repeat
    from buyers
    union all
    select
        {{ grouping_set_id(dimensions, []) }} as grouping_id,
        null as segment,
        duration_days,
        is_repeat
    from buyers

),

durations as (

    select
        grouping_id,
        segment,
        duration_days,
        count(*) filter (where is_repeat) as events,
        count(*) as leaving
    from grouped
    group by grouping_id, segment, duration_days

),

at_risk as (

    select
        *,
        -- at risk at t: durations >= t
        sum(leaving) over (
            partition by grouping_id, segment
            order by duration_days desc
            rows between unbounded preceding and current row
        ) as at_risk
    from durations

),

survival_steps as (

    select
        grouping_id,
        segment,
        duration_days,
        case
            when max(cast(events = at_risk as integer)) over cumulative = 1 then 0.0
            else exp(sum(
                case
                    when events < at_risk then ln(1.0 - cast(events as double) / at_risk)
                    else 0.0
                end
            ) over cumulative)
        end as survival
    from at_risk
    where events > 0
    window cumulative as (
        partition by grouping_id, segment
        order by duration_days
        rows between unbounded preceding and current row
    )

),

groups as (

    select distinct
        grouping_id,
        segment
    from durations

),

medians as (

    select
        grouping_id,
        segment,
        min(duration_days) filter (where survival <= 0.5) as median_days
    from survival_steps
    group by grouping_id, segment

),

final as (

    select
        groups.grouping_id,
        groups.segment,
        cast(medians.median_days as integer) as median_days_to_second_order
    from groups
    left join medians
        on
            groups.grouping_id = medians.grouping_id
            and groups.segment is not distinct from medians.segment

)

select * from final
