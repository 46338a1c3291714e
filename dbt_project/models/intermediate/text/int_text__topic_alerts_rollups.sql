{#- Topic spike alerts (docs/metrics.md "Text feedback", spike alerts; InMoment "Discover"):
    the spike tests of int_text__topic_alert_tests (the topic's share of tagged comments now
    against its trailing baseline, one-sided two-proportion z-test), with false discoveries
    controlled per period over every tested topic x segment row by the Benjamini-Hochberg
    step-up procedure: q_(i) = min over j >= i of p_(j) m / j, capped at 1. is_alert:
    q_value <= var `alert_fdr` (default 0.05, env CXLINK_ALERT_FDR), the share rose, and at
    least var `alert_min_mentions` (default 5) comments mention the topic in the period. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set fdr = var('alert_fdr') | float -%}
{%- if not (0 < fdr < 1) -%}
    {{ exceptions.raise_compiler_error("var alert_fdr / CXLINK_ALERT_FDR must be a number in (0, 1), got '" ~ var('alert_fdr') ~ "'") }}
{%- endif -%}
{%- set min_mentions = var('alert_min_mentions', 5) | int -%}
{%- set window = var('alert_baseline_periods', 6) | int -%}

with

alert_tests as (

    select * from {{ ref('int_text__topic_alert_tests') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by period_start, p_value is null
            order by p_value, topic_id, segment
        ) as p_rank,
        count(p_value) over (partition by period_start) as tests_in_period
    from alert_tests

),

adjusted as (

    select
        *,
        case
            when p_value is not null
                then least(
                    1.0,
                    min(p_value * tests_in_period / p_rank) over (
                        partition by period_start, p_value is null
                        order by p_rank desc
                        rows between unbounded preceding and current row
                    )
                )
        end as q_value
    from ranked

),

final as (

    select
        -- keys
        adjusted.period_start,
        adjusted.segment,
        adjusted.topic_id,

        -- attributes
        topics.topic_name,
        topics.topic_level,
        topics.parent_topic_id,
        {{ topic_period_grain() }} as period_grain,
        -- the reporting currency of arr_accounts_mentioning
        '{{ reporting_currency() }}' as currency,
        adjusted.period_start = max(adjusted.period_start) over () as is_latest_period,

        -- the period and its baseline
        adjusted.commented_responses,
        adjusted.responses_mentioning,
        adjusted.share_now,
        adjusted.baseline_periods,
        adjusted.baseline_commented_responses,
        adjusted.baseline_responses_mentioning,
        adjusted.baseline_share,
        adjusted.share_now - adjusted.baseline_share as share_change,

        -- the test
        adjusted.test_status,
        adjusted.z_statistic,
        adjusted.p_value,
        adjusted.tests_in_period,
        adjusted.q_value,
        cast({{ fdr }} as double) as fdr_level,
        {{ window }} as baseline_window_periods,
        coalesce(
            adjusted.q_value <= {{ fdr }}
            and adjusted.share_now > adjusted.baseline_share
            and adjusted.responses_mentioning >= {{ min_mentions }},
            false
        ) as is_alert,

        -- the accounts whose comments mention the topic in the period
        adjusted.accounts_mentioning,
        adjusted.arr_accounts_mentioning

    from adjusted
    left join topics
        on adjusted.topic_id = topics.topic_id

)

select * from final
