{#- Every NPS response twice: once in its topic period (var `topic_period`, period_grain
    'month' or 'quarter') and once in the 'all_time' period, whose period_start is the first
    period (docs/metrics.md "Text feedback", topic impact). The unit the topic impact compares:
    an NPS response, commented or not, weighted by its account's ARR in the response month
    (missing ARR weighs 0). -#}

with

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

nps_responses as (

    select * from responses
    where survey_type = 'nps' and nps_points is not null

),

by_period as (

    select
        {{ topic_period_grain() }} as period_grain,
        period_start,
        response_id,
        customer_id,
        segment,
        nps_points,
        coalesce(arr, 0) as arr_weight,
        response_date
    from nps_responses
    union all
    select
        'all_time' as period_grain,
        min(period_start) over () as period_start,
        response_id,
        customer_id,
        segment,
        nps_points,
        coalesce(arr, 0) as arr_weight,
        response_date
    from nps_responses

)

select * from by_period
