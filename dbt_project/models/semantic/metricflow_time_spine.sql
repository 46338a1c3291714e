{#- MetricFlow's time spine (docs/semantic-layer.md): one row per day, 1990-01-01 to 2059-12-31
    (25,567 rows, built in milliseconds). MetricFlow joins metrics to it to fill periods and to
    roll days up to weeks, months, quarters and years. A fixed range, not one derived from the
    data, so it has no upstream models and is never rebuilt for new data; it starts early
    enough for old order histories (CDNOW, 1997) and the test tests/semantic checks that the
    demo's months lie inside it. -#}
{{ config(materialized='table', schema='semantic') }}

with

days as (

    select cast(range as date) as date_day
    from range(date '1990-01-01', date '2060-01-01', interval 1 day)

),

final as (

    select date_day
    from days

)

select * from final
