{#- Topic spike alerts (domain.md "Text feedback", spike alerts; InMoment "Discover"): per
    period, segment ('all' = every segment) and topic, the share of tagged comments that mention
    the topic now against its trailing baseline (the var `alert_baseline_periods` periods before,
    default 6, pooled).

    Test: one-sided two-proportion z-test for an increase, pooled variance:
        p1 = x1 / n1, p0 = x0 / n0, p = (x1 + x0) / (n1 + n0),
        z = (p1 - p0) / sqrt(p (1 - p) (1 / n1 + 1 / n0)), p_value = P(Z >= z).
    Tested only with n1 and n0 >= var `alert_min_responses` (default 30), at least var
    `alert_min_baseline_periods` (default 3) baseline periods with comments, and 0 < p < 1.
    False discoveries are controlled per period over every tested topic x segment row with the
    Benjamini-Hochberg step-up procedure: q_(i) = min over j >= i of p_(j) m / j (capped at 1).
    is_alert: q_value <= var `alert_fdr` (default 0.05, env CXLINK_ALERT_FDR) and at least var
    `alert_min_mentions` (default 5) mentions in the period. -#}
{%- set fdr = var('alert_fdr') | float -%}
{%- if not (0 < fdr < 1) -%}
    {{ exceptions.raise_compiler_error("var alert_fdr / CXLINK_ALERT_FDR must be a number in (0, 1), got '" ~ var('alert_fdr') ~ "'") }}
{%- endif -%}
{%- set min_responses = var('alert_min_responses', 30) | int -%}
{%- set min_baseline_periods = var('alert_min_baseline_periods', 3) | int -%}
{%- set min_mentions = var('alert_min_mentions', 5) | int -%}
{%- set window = var('alert_baseline_periods', 6) | int -%}

with

shares as (

    select * from {{ ref('int_text__topic_period_shares') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

),

proportions as (

    select
        *,
        cast(responses_mentioning / nullif(commented_responses, 0) as double) as share_now,
        cast(
            baseline_responses_mentioning / nullif(baseline_commented_responses, 0) as double
        ) as baseline_share,
        cast(
            (responses_mentioning + baseline_responses_mentioning)
            / nullif(commented_responses + baseline_commented_responses, 0)
            as double
        ) as pooled_share
    from shares

),

eligibility as (

    select
        *,
        case
            when commented_responses < {{ min_responses }} then 'too_few_responses'
            when baseline_periods < {{ min_baseline_periods }} then 'short_baseline'
            when baseline_commented_responses < {{ min_responses }} then 'too_few_responses'
            when pooled_share <= 0 or pooled_share >= 1 then 'no_variation'
            else 'tested'
        end as test_status
    from proportions

),

tested as (

    select
        *,
        case
            when test_status = 'tested'
                then (share_now - baseline_share) / sqrt(
                    pooled_share * (1 - pooled_share)
                    * (1.0 / commented_responses + 1.0 / baseline_commented_responses)
                )
        end as z_statistic
    from eligibility

),

with_p as (

    select
        *,
        {{ normal_upper_tail('z_statistic') }} as p_value
    from tested

),

ranked as (

    select
        *,
        row_number() over (
            partition by period_start, p_value is null
            order by p_value, topic_id, segment
        ) as p_rank,
        count(p_value) over (partition by period_start) as tests_in_period
    from with_p

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
