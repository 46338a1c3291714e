{#- Topic impact on NPS (docs/metrics.md "Text feedback"): per period, topic and segment ('all'
    = every segment), impact = (n_t / N) x (NPS_t - NPS_rest) over the NPS responses of the
    period, where n_t responses mention the topic and the rest (N - n_t, with or without a
    comment) do not. It equals NPS_all - NPS_rest: how much the period's NPS is above (below)
    what it would be without the topic's responses.

    CI (docs/metrics.md "Survey metrics", uncertainty of NPS): SE(NPS_t - NPS_rest) =
    100 sqrt(V_t / n_t + V_rest / n_rest), V = p + d - (p - d)^2; SE(impact) = (n_t / N) x
    SE(gap), conditional on the observed mention count. impact_sign is positive / negative when
    the interval excludes 0, not_significant when it contains 0, not_estimable when every
    response mentions the topic.

    ARR-weighted (revenue exposure; docs/metrics.md "Survey metrics", B2B aggregations): the
    same with every response weighted by its account's ARR in the response month (missing ARR
    weighs 0): arr_share = W_t / W, revenue-weighted NPS = 100 sum(w s) / sum(w),
    arr_weighted_impact = arr_share x (RWNPS_t - RWNPS_rest). Rows: every period of var
    `topic_period` plus one 'all_time' row set (period_start = the first period). The counts of
    the two groups come from int_text__topic_nps_splits_by_period; the formulas are here. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}

with

splits as (

    select * from {{ ref('int_text__topic_nps_splits_by_period') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

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
    from splits

),

gaps as (

    select
        *,
        nps_mentioning - nps_rest as nps_gap,
        sqrt(
            nps_mentioning_se * nps_mentioning_se + nps_rest_se * nps_rest_se
        ) as nps_gap_se
    from figures

),

estimates as (

    select
        *,
        share_mentioning * nps_gap as impact,
        share_mentioning * nps_gap_se as impact_se,
        arr_share_mentioning
        * (arr_weighted_nps_mentioning - arr_weighted_nps_rest) as arr_weighted_impact
    from gaps

),

impacts as (

    select
        *,
        {{ wald_bound('impact', 'impact_se', z, 'lower') }} as impact_ci_low,
        {{ wald_bound('impact', 'impact_se', z, 'upper') }} as impact_ci_high
    from estimates

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
        impacts.last_response_date,
        -- the reporting currency of the ARR weights
        '{{ reporting_currency() }}' as currency,

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
        impacts.impact_ci_low,
        impacts.impact_ci_high,
        cast({{ z }} as double) as ci_z,
        case
            when impacts.impact_se is null then 'not_estimable'
            when impacts.impact_ci_low > 0 then 'positive'
            when impacts.impact_ci_high < 0 then 'negative'
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

)

select * from final
