{#- Language bias view (domain.md "Text feedback": comments are translated to English before
    tagging, so a translation that loses or shifts a topic shows up as a language whose topic
    share or sentiment differs from the other languages'). Over all tagged comments, per
    comment language and topic (topic_id 'all' = any topic, for the language's overall
    sentiment):

    - mention_share (responses mentioning / tagged comments in the language) against the same
      share in every other language pooled, the difference with a Wald CI,
      SE = sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2), and a two-sided two-proportion z-test
      p-value;
    - expected_share: the share the language would have if its comments mentioned the topic at
      the other languages' rate within each NPS category (indirect standardisation; non-NPS
      comments form one more stratum), so a language whose customers are simply less happy is
      not mistaken for a translation problem; share_vs_expected = mention_share -
      expected_share;
    - mean statement sentiment of the topic's statements against the other languages';
    - tagged_comment_share: the share of the language's comments that were tagged at all (a
      language without a translation model shows up here).

    Differences can be real (markets differ); the view shows them, it does not correct them. -#}
{%- set z = var('ci_z') -%}

with

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

mentions as (

    select * from {{ ref('int_text__statement_topic_mentions') }}

),

topics as (

    select * from {{ ref('stg_text__topics') }}

),

statements as (

    select * from {{ ref('stg_text__feedback_statements') }}

),

-- every comment, tagged or not: a language whose comments were not tagged (no translation
-- model) shows up with a low tagged_comment_share
comment_counts as (

    select
        language,
        count(*) as comment_responses
    from responses
    where has_comment or has_tagged_comment
    group by language

),

commented as (

    select
        response_id,
        language,
        coalesce(nps_category, 'non_nps') as stratum
    from responses
    where has_tagged_comment

),

response_mentions as (

    select distinct
        mentions.response_id,
        mentions.topic_id
    from mentions
    union all
    select distinct
        mentions.response_id,
        'all' as topic_id
    from mentions

),

statement_sentiment as (

    select
        commented.language,
        mentions.topic_id,
        mentions.sentiment_score
    from mentions
    inner join commented
        on mentions.response_id = commented.response_id
    union all
    select
        commented.language,
        'all' as topic_id,
        statements.sentiment_score
    from statements
    inner join commented
        on statements.response_id = commented.response_id

),

topic_list as (

    select distinct topic_id from response_mentions

),

language_topics as (

    select
        comment_counts.language,
        comment_counts.comment_responses,
        topic_list.topic_id
    from comment_counts
    cross join topic_list

),

-- tagged comments and mentions per language, topic and stratum (zero-filled)
strata as (

    select
        commented.language,
        commented.stratum,
        count(*) as commented_responses
    from commented
    group by commented.language, commented.stratum

),

stratum_mentions as (

    select
        commented.language,
        commented.stratum,
        response_mentions.topic_id,
        count(*) as responses_mentioning
    from response_mentions
    inner join commented
        on response_mentions.response_id = commented.response_id
    group by commented.language, commented.stratum, response_mentions.topic_id

),

cells as (

    select
        strata.language,
        strata.stratum,
        topic_list.topic_id,
        strata.commented_responses,
        coalesce(stratum_mentions.responses_mentioning, 0) as responses_mentioning
    from strata
    cross join topic_list
    left join stratum_mentions
        on
            strata.language = stratum_mentions.language
            and strata.stratum = stratum_mentions.stratum
            and topic_list.topic_id = stratum_mentions.topic_id

),

-- the other languages' rate within each stratum
cells_with_others as (

    select
        cells.*,
        sum(cells.commented_responses) over stratum_topic - cells.commented_responses
            as other_commented_responses,
        sum(cells.responses_mentioning) over stratum_topic - cells.responses_mentioning
            as other_responses_mentioning
    from cells
    window stratum_topic as (partition by cells.stratum, cells.topic_id)

),

per_language as (

    select
        language,
        topic_id,
        sum(commented_responses) as commented_responses,
        sum(responses_mentioning) as responses_mentioning,
        sum(
            commented_responses
            * coalesce(other_responses_mentioning / nullif(other_commented_responses, 0), 0)
        ) as expected_mentions
    from cells_with_others
    group by language, topic_id

),

with_others as (

    select
        per_language.*,
        sum(per_language.commented_responses) over by_topic
        - per_language.commented_responses as other_commented_responses,
        sum(per_language.responses_mentioning) over by_topic
        - per_language.responses_mentioning as other_responses_mentioning
    from per_language
    window by_topic as (partition by per_language.topic_id)

),

sentiment as (

    select
        languages.language,
        statement_sentiment.topic_id,
        avg(statement_sentiment.sentiment_score) filter (
            where statement_sentiment.language = languages.language
        ) as mean_sentiment,
        count(*) filter (where statement_sentiment.language = languages.language) as statements,
        avg(statement_sentiment.sentiment_score) filter (
            where statement_sentiment.language != languages.language
        ) as other_mean_sentiment,
        count(*) filter (
            where statement_sentiment.language != languages.language
        ) as other_statements
    from comment_counts as languages
    cross join statement_sentiment
    group by languages.language, statement_sentiment.topic_id

),

shares as (

    select
        *,
        cast(responses_mentioning / nullif(commented_responses, 0) as double) as mention_share,
        cast(
            other_responses_mentioning / nullif(other_commented_responses, 0) as double
        ) as other_mention_share,
        cast(expected_mentions / nullif(commented_responses, 0) as double) as expected_share
    from with_others

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
        language_topics.language,
        language_topics.topic_id,

        -- attributes
        topics.topic_name,
        topics.topic_level,

        -- coverage: how many of the language's comments were tagged
        language_topics.comment_responses,
        coalesce(compared.commented_responses, 0) as commented_responses,
        cast(
            coalesce(compared.commented_responses, 0) / language_topics.comment_responses as double
        ) as tagged_comment_share,

        -- shares
        coalesce(compared.responses_mentioning, 0) as responses_mentioning,
        compared.mention_share,
        compared.other_commented_responses,
        compared.other_responses_mentioning,
        compared.other_mention_share,
        compared.share_diff,
        compared.share_diff_se,
        compared.share_diff - {{ z }} * compared.share_diff_se as share_diff_ci_low,
        compared.share_diff + {{ z }} * compared.share_diff_se as share_diff_ci_high,
        case
            when
                compared.other_commented_responses > 0
                and compared.pooled_share > 0
                and compared.pooled_share < 1
                then least(1.0, 2 * {{ normal_upper_tail(
                    'abs(compared.share_diff) / sqrt(compared.pooled_share * (1 - compared.pooled_share)'
                    ~ ' * (1.0 / compared.commented_responses + 1.0 / compared.other_commented_responses))'
                ) }})
        end as share_diff_p_value,
        compared.expected_share,
        compared.mention_share - compared.expected_share as share_vs_expected,

        -- sentiment
        sentiment.statements,
        sentiment.mean_sentiment,
        sentiment.other_statements,
        sentiment.other_mean_sentiment,
        sentiment.mean_sentiment - sentiment.other_mean_sentiment as sentiment_diff

    from language_topics
    left join compared
        on
            language_topics.language = compared.language
            and language_topics.topic_id = compared.topic_id
    left join sentiment
        on
            language_topics.language = sentiment.language
            and language_topics.topic_id = sentiment.topic_id
    left join topics
        on language_topics.topic_id = topics.topic_id

)

select * from final
