{#- Per comment language and topic (topic_id 'all' = any topic) over all tagged comments
    (docs/metrics.md "Text feedback": comments are translated to English before tagging), the
    counts behind marts.topic_language_bias:
    - comment_responses: the language's comments, tagged or not (a language without a
      translation model has comments but no tagged ones);
    - commented_responses / responses_mentioning: its tagged comments and how many mention the
      topic, and the same two counts over every other language pooled;
    - expected_mentions: how many of its tagged comments would mention the topic at the other
      languages' rate within each NPS category (indirect standardisation; non-NPS comments
      form one more stratum): sum over strata of n_stratum x x_other / n_other.
    Every language with a comment x every mentioned topic; the tagged counts are null for a
    language without tagged comments. -#}

with

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

mentions as (

    select * from {{ ref('int_text__statement_topic_mentions') }}

),

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

topic_list as (

    select distinct topic_id from response_mentions

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

final as (

    select
        -- keys
        comment_counts.language,
        topic_list.topic_id,

        -- counts of the language
        comment_counts.comment_responses,
        with_others.commented_responses,
        with_others.responses_mentioning,
        with_others.expected_mentions,

        -- counts of every other language pooled
        with_others.other_commented_responses,
        with_others.other_responses_mentioning

    from comment_counts
    cross join topic_list
    left join with_others
        on
            comment_counts.language = with_others.language
            and topic_list.topic_id = with_others.topic_id

)

select * from final
