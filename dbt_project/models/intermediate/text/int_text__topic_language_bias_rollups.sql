{#- Language bias view (docs/metrics.md "Text feedback": comments are translated to English
    before tagging, so a translation that loses or shifts a topic shows up as a language whose
    topic share or sentiment differs from the other languages'). Over all tagged comments, per
    comment language and topic (topic_id 'all' = any topic, for the language's overall
    sentiment):

    - mention_share (responses mentioning / tagged comments in the language) against the same
      share in every other language pooled, the difference with a Wald CI,
      SE = sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2), and a two-sided pooled two-proportion
      z-test p-value (macros pooled_two_proportion_z, normal_upper_tail);
    - expected_share: the share the language would have if its comments mentioned the topic at
      the other languages' rate within each NPS category (indirect standardisation, counted in
      int_text__language_topic_shares), so a language whose customers are simply less happy is
      not mistaken for a translation problem; share_vs_expected = mention_share -
      expected_share;
    - mean statement sentiment of the topic's statements against the other languages'
      (int_text__language_topic_sentiments);
    - tagged_comment_share: the share of the language's comments that were tagged at all (a
      language without a translation model shows up here).

    Differences can be real (markets differ); the view shows them, it does not correct them. -#}
{#- A table, not a view: its published slices and its tests read it, so it is computed once. -#}
{{ config(materialized='table') }}
{%- set z = var('ci_z') -%}

with

language_topics as (

    select * from {{ ref('int_text__language_topic_shares') }}

),

sentiments as (

    select * from {{ ref('int_text__language_topic_sentiments') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

),

shares as (

    select
        *,
        cast(responses_mentioning / nullif(commented_responses, 0) as double) as mention_share,
        cast(
            other_responses_mentioning / nullif(other_commented_responses, 0) as double
        ) as other_mention_share,
        cast(expected_mentions / nullif(commented_responses, 0) as double) as expected_share
    from language_topics

),

compared as (

    select
        *,
        mention_share - other_mention_share as share_diff,
        sqrt(
            mention_share * (1 - mention_share) / commented_responses
            + other_mention_share * (1 - other_mention_share)
            / nullif(other_commented_responses, 0)
        ) as share_diff_se,
        (responses_mentioning + other_responses_mentioning)
        / (commented_responses + other_commented_responses) as pooled_share
    from shares

),

final as (

    select
        -- keys
        compared.language,
        compared.topic_id,

        -- attributes
        topics.topic_name,
        topics.topic_level,

        -- coverage: how many of the language's comments were tagged
        compared.comment_responses,
        coalesce(compared.commented_responses, 0) as commented_responses,
        cast(
            coalesce(compared.commented_responses, 0) / compared.comment_responses as double
        ) as tagged_comment_share,

        -- shares
        coalesce(compared.responses_mentioning, 0) as responses_mentioning,
        compared.mention_share,
        compared.other_commented_responses,
        compared.other_responses_mentioning,
        compared.other_mention_share,
        compared.share_diff,
        compared.share_diff_se,
        {{ wald_bound('compared.share_diff', 'compared.share_diff_se', z, 'lower') }}
            as share_diff_ci_low,
        {{ wald_bound('compared.share_diff', 'compared.share_diff_se', z, 'upper') }}
            as share_diff_ci_high,
        case
            when
                compared.other_commented_responses > 0
                and compared.pooled_share > 0
                and compared.pooled_share < 1
                then least(1.0, 2 * {{ normal_upper_tail(pooled_two_proportion_z(
                    'abs(compared.share_diff)', 'compared.pooled_share',
                    'compared.commented_responses', 'compared.other_commented_responses'
                )) }})
        end as share_diff_p_value,
        compared.expected_share,
        compared.mention_share - compared.expected_share as share_vs_expected,

        -- sentiment
        sentiments.statements,
        sentiments.mean_sentiment,
        sentiments.other_statements,
        sentiments.other_mean_sentiment,
        sentiments.mean_sentiment - sentiments.other_mean_sentiment as sentiment_diff

    from compared
    left join sentiments
        on
            compared.language = sentiments.language
            and compared.topic_id = sentiments.topic_id
    left join topics
        on compared.topic_id = topics.topic_id

)

select * from final
