{#- The counts behind the topic impact (docs/metrics.md "Text feedback", topic impact): per
    period grain, period, topic and segment ('all' = every segment), the period's NPS responses
    split into those whose comment mentions the topic (n_t) and the rest (N - n_t, with or
    without a comment), each side's promoters, passives and detractors, ARR weight W and
    ARR-weighted points sum(w s). Only topics mentioned in the period have a row. The formulas
    on these counts are in marts.topic_impact. -#}

with

responses as (

    select * from {{ ref('int_text__nps_responses_by_period') }}

),

response_topics as (

    select * from {{ ref('int_text__response_topics') }}

),

period_ends as (

    select
        period_grain,
        period_start,
        max(response_date) as last_response_date
    from responses
    group by period_grain, period_start

),

totals as (

    select
        period_grain,
        period_start,
        {{ rollup_label('segment') }} as segment,
        count(*) as responses,
        count(*) filter (where nps_points = 1) as promoters,
        count(*) filter (where nps_points = 0) as passives,
        count(*) filter (where nps_points = -1) as detractors,
        sum(arr_weight) as arr_weight,
        sum(arr_weight * nps_points) as arr_weighted_points
    from responses
    group by period_grain, period_start, cube(segment)

),

mention_rows as (

    select
        responses.*,
        response_topics.topic_id
    from responses
    inner join response_topics
        on responses.response_id = response_topics.response_id

),

mentioning as (

    select
        period_grain,
        period_start,
        topic_id,
        {{ rollup_label('segment') }} as segment,
        count(*) as responses,
        count(*) filter (where nps_points = 1) as promoters,
        count(*) filter (where nps_points = 0) as passives,
        count(*) filter (where nps_points = -1) as detractors,
        sum(arr_weight) as arr_weight,
        sum(arr_weight * nps_points) as arr_weighted_points,
        count(distinct customer_id) as accounts_mentioning
    from mention_rows
    group by period_grain, period_start, topic_id, cube(segment)

),

split as (

    select
        -- keys
        mentioning.period_grain,
        mentioning.period_start,
        mentioning.topic_id,
        mentioning.segment,

        -- attributes
        period_ends.last_response_date,

        -- counts: all, mentioning the topic, the rest
        totals.responses,
        mentioning.responses as responses_mentioning,
        totals.responses - mentioning.responses as responses_rest,
        mentioning.promoters as promoters_mentioning,
        mentioning.passives as passives_mentioning,
        mentioning.detractors as detractors_mentioning,
        totals.promoters - mentioning.promoters as promoters_rest,
        totals.passives - mentioning.passives as passives_rest,
        totals.detractors - mentioning.detractors as detractors_rest,
        mentioning.accounts_mentioning,

        -- ARR weights
        totals.arr_weight,
        mentioning.arr_weight as arr_weight_mentioning,
        totals.arr_weight - mentioning.arr_weight as arr_weight_rest,
        mentioning.arr_weighted_points as arr_weighted_points_mentioning,
        totals.arr_weighted_points - mentioning.arr_weighted_points as arr_weighted_points_rest

    from mentioning
    inner join totals
        on
            mentioning.period_grain = totals.period_grain
            and mentioning.period_start = totals.period_start
            and mentioning.segment = totals.segment
    inner join period_ends
        on
            mentioning.period_grain = period_ends.period_grain
            and mentioning.period_start = period_ends.period_start

)

select * from split
