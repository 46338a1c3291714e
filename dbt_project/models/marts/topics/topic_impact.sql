{#- Topic impact on NPS (domain.md "Text feedback"): per period, topic and segment ('all' = every
    segment), impact = (n_t / N) x (NPS_t - NPS_rest) over the NPS responses of the period, where
    n_t responses mention the topic and the rest (N - n_t, with or without a comment) do not.
    It equals NPS_all - NPS_rest: how much the period's NPS is above (below) what it would be
    without the topic's responses.

    CI (domain.md "Uncertainty of NPS"): SE(NPS_t - NPS_rest) = 100 sqrt(V_t / n_t + V_rest /
    n_rest), V = p + d - (p - d)^2; SE(impact) = (n_t / N) x SE(gap), conditional on the observed
    mention count. impact_sign is positive / negative when the interval excludes 0,
    not_significant when it contains 0, not_estimable when every response mentions the topic.

    ARR-weighted (revenue exposure; domain.md "B2B aggregations"): the same with every response
    weighted by its account's ARR in the response month (missing ARR weighs 0):
    arr_share = W_t / W, revenue-weighted NPS = 100 sum(w s) / sum(w), arr_weighted_impact =
    arr_share x (RWNPS_t - RWNPS_rest). Rows: every period of var `topic_period` plus one
    'all_time' row set (period_start = the first period). -#}
{%- set z = var('ci_z') -%}

with

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

response_topics as (

    select * from {{ ref('int_text__response_topics') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

),

nps_responses as (

    select * from responses
    where survey_type = 'nps' and nps_points is not null

),

periodized as (

    select
        {{ topic_period_grain() }} as period_grain,
        period_start,
        response_id,
        customer_id,
        segment,
        nps_points,
        coalesce(arr, 0) as arr_weight
    from nps_responses
    union all
    select
        'all_time' as period_grain,
        min(period_start) over () as period_start,
        response_id,
        customer_id,
        segment,
        nps_points,
        coalesce(arr, 0) as arr_weight
    from nps_responses

),

period_ends as (

    select
        periodized.period_grain,
        periodized.period_start,
        max(nps_responses.response_date) as last_response_date
    from periodized
    inner join nps_responses
        on periodized.response_id = nps_responses.response_id
    group by periodized.period_grain, periodized.period_start

),

totals as (

    select
        period_grain,
        period_start,
        case when grouping(segment) = 1 then 'all' else segment end as segment,
        count(*) as responses,
        count(*) filter (where nps_points = 1) as promoters,
        count(*) filter (where nps_points = 0) as passives,
        count(*) filter (where nps_points = -1) as detractors,
        sum(arr_weight) as arr_weight,
        sum(arr_weight * nps_points) as arr_weighted_points
    from periodized
    group by period_grain, period_start, cube(segment)

),

mention_rows as (

    select
        periodized.*,
        response_topics.topic_id
    from periodized
    inner join response_topics
        on periodized.response_id = response_topics.response_id

),

mentioning as (

    select
        period_grain,
        period_start,
        topic_id,
        case when grouping(segment) = 1 then 'all' else segment end as segment,
        count(*) as responses,
        count(*) filter (where nps_points = 1) as promoters,
        count(*) filter (where nps_points = 0) as passives,
        count(*) filter (where nps_points = -1) as detractors,
        sum(arr_weight) as arr_weight,
        sum(arr_weight * nps_points) as arr_weighted_points,
        count(distinct customer_id) as customers_mentioning
    from mention_rows
    group by period_grain, period_start, topic_id, cube(segment)

),

compared as (

    select
        mentioning.period_grain,
        mentioning.period_start,
        mentioning.topic_id,
        mentioning.segment,
        totals.responses,
        mentioning.responses as responses_mentioning,
        totals.responses - mentioning.responses as responses_rest,
        mentioning.promoters as promoters_mentioning,
        mentioning.passives as passives_mentioning,
        mentioning.detractors as detractors_mentioning,
        totals.promoters - mentioning.promoters as promoters_rest,
        totals.passives - mentioning.passives as passives_rest,
        totals.detractors - mentioning.detractors as detractors_rest,
        mentioning.customers_mentioning as accounts_mentioning,
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

),

figures as (

    select
        *,
        cast(responses_mentioning / responses as double) as share_mentioning,
        {{ nps_score('promoters_mentioning', 'passives_mentioning', 'detractors_mentioning') }}
            as nps_mentioning,
        {{ nps_standard_error(
            'promoters_mentioning', 'passives_mentioning', 'detractors_mentioning'
        ) }} as nps_mentioning_se,
        {{ nps_score('promoters_rest', 'passives_rest', 'detractors_rest') }} as nps_rest,
        {{ nps_standard_error('promoters_rest', 'passives_rest', 'detractors_rest') }}
            as nps_rest_se,
        cast(arr_weight_mentioning / nullif(arr_weight, 0) as double) as arr_share_mentioning,
        cast(
            100.0 * arr_weighted_points_mentioning / nullif(arr_weight_mentioning, 0) as double
        ) as arr_weighted_nps_mentioning,
        cast(
            100.0 * arr_weighted_points_rest / nullif(arr_weight_rest, 0) as double
        ) as arr_weighted_nps_rest
    from compared

),

impacts as (

    select
        *,
        nps_mentioning - nps_rest as nps_gap,
        sqrt(
            nps_mentioning_se * nps_mentioning_se + nps_rest_se * nps_rest_se
        ) as nps_gap_se,
        share_mentioning * (nps_mentioning - nps_rest) as impact,
        share_mentioning
        * sqrt(nps_mentioning_se * nps_mentioning_se + nps_rest_se * nps_rest_se) as impact_se,
        arr_share_mentioning
        * (arr_weighted_nps_mentioning - arr_weighted_nps_rest) as arr_weighted_impact
    from figures

),

final as (

    select
        -- keys
        impacts.period_grain,
        impacts.period_start,
        impacts.topic_id,
        impacts.segment,

        -- attributes
        topics.topic_name,
        topics.topic_level,
        topics.parent_topic_id,
        period_ends.last_response_date,

        -- counts
        impacts.responses,
        impacts.responses_mentioning,
        impacts.responses_rest,
        impacts.promoters_mentioning,
        impacts.passives_mentioning,
        impacts.detractors_mentioning,
        impacts.promoters_rest,
        impacts.passives_rest,
        impacts.detractors_rest,
        impacts.accounts_mentioning,

        -- NPS of the two groups and the impact
        impacts.share_mentioning,
        impacts.nps_mentioning,
        impacts.nps_mentioning_se,
        impacts.nps_rest,
        impacts.nps_rest_se,
        impacts.nps_gap,
        impacts.nps_gap_se,
        impacts.impact,
        impacts.impact_se,
        impacts.impact - {{ z }} * impacts.impact_se as impact_ci_low,
        impacts.impact + {{ z }} * impacts.impact_se as impact_ci_high,
        cast({{ z }} as double) as ci_z,
        case
            when impacts.impact_se is null then 'not_estimable'
            when impacts.impact - {{ z }} * impacts.impact_se > 0 then 'positive'
            when impacts.impact + {{ z }} * impacts.impact_se < 0 then 'negative'
            else 'not_significant'
        end as impact_sign,

        -- ARR-weighted (revenue exposure)
        cast(impacts.arr_weight as double) as arr_responses,
        cast(impacts.arr_weight_mentioning as double) as arr_responses_mentioning,
        impacts.arr_share_mentioning,
        impacts.arr_weighted_nps_mentioning,
        impacts.arr_weighted_nps_rest,
        impacts.arr_weighted_impact

    from impacts
    left join topics
        on impacts.topic_id = topics.topic_id
    inner join period_ends
        on
            impacts.period_grain = period_ends.period_grain
            and impacts.period_start = period_ends.period_start

)

select * from final
