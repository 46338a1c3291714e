{#- The spike test per period, segment ('all') and topic (docs/metrics.md "Text feedback", spike
    alerts): one-sided two-proportion z-test for an increase of the topic's share of tagged
    comments over its trailing baseline, pooled variance:
        p1 = x1 / n1, p0 = x0 / n0, p = (x1 + x0) / (n1 + n0),
        z = (p1 - p0) / sqrt(p (1 - p) (1 / n1 + 1 / n0)), p_value = P(Z >= z)
    (macros pooled_two_proportion_z, normal_upper_tail).
    Tested only with n1 and n0 >= var `alert_min_responses` (default 30), at least var
    `alert_min_baseline_periods` (default 3) baseline periods with comments, and 0 < p < 1;
    test_status says why a row is not tested. The multiple-testing adjustment is in
    marts.topic_alerts. -#}
{%- set min_responses = var('alert_min_responses', 30) | int -%}
{%- set min_baseline_periods = var('alert_min_baseline_periods', 3) | int -%}

with

shares as (

    select * from {{ ref('int_text__topic_period_shares') }}

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
                then {{ pooled_two_proportion_z(
                    '(share_now - baseline_share)', 'pooled_share',
                    'commented_responses', 'baseline_commented_responses'
                ) }}
        end as z_statistic
    from eligibility

),

final as (

    select
        *,
        {{ normal_upper_tail('z_statistic') }} as p_value
    from tested

)

select * from final
