{#- The inputs of the spike test (docs/metrics.md "Text feedback", spike alerts): per period,
    segment ('all' = every segment) and topic, the tagged comments of the period, how many
    mention the topic, and both counts pooled over the trailing baseline window (var
    `alert_baseline_periods` periods before it, default 6). Dense (every period with a tagged
    comment, every topic, every segment, zero-filled), so a topic nobody mentions in a period
    still has its row. Accounts and ARR are those of the current period's mentions. -#}
{%- set window = var('alert_baseline_periods', 6) | int -%}
{%- set months = topic_period_months() -%}

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

commented as (

    select * from responses
    where has_tagged_comment

),

period_bounds as (

    select
        min(period_start) as first_period,
        max(period_start) as last_period
    from commented

),

periods as (

    select
        cast(period.generate_series as date) as period_start,
        cast(
            row_number() over (order by period.generate_series) as integer
        ) as period_index
    from period_bounds
    cross join
        generate_series(
            period_bounds.first_period,
            period_bounds.last_period,
            interval {{ months }} month
        ) as period

),

segments as (

    select distinct segment from commented
    union all
    select 'all' as segment

),

grid as (

    select
        periods.period_start,
        periods.period_index,
        segments.segment,
        topics.topic_id
    from periods
    cross join segments
    cross join topics

),

commented_counts as (

    select
        period_start,
        {{ rollup_label('segment') }} as segment,
        count(*) as commented_responses
    from commented
    group by period_start, cube(segment)

),

-- an account's ARR once per period: its largest monthly ARR among its mentions
account_mentions as (

    select
        period_start,
        segment,
        topic_id,
        customer_id,
        count(*) as responses_mentioning,
        max(arr) as arr
    from response_topics
    where response_id in (select commented.response_id from commented)
    group by period_start, segment, topic_id, customer_id

),

mention_counts as (

    select
        period_start,
        topic_id,
        {{ rollup_label('segment') }} as segment,
        sum(responses_mentioning) as responses_mentioning,
        count(distinct customer_id) as accounts_mentioning,
        sum(arr) as arr_accounts_mentioning
    from account_mentions
    group by period_start, topic_id, cube(segment)

),

counted as (

    select
        grid.period_start,
        grid.period_index,
        grid.segment,
        grid.topic_id,
        cast(coalesce(commented_counts.commented_responses, 0) as bigint) as commented_responses,
        cast(coalesce(mention_counts.responses_mentioning, 0) as bigint) as responses_mentioning,
        cast(coalesce(mention_counts.accounts_mentioning, 0) as bigint) as accounts_mentioning,
        coalesce(mention_counts.arr_accounts_mentioning, 0) as arr_accounts_mentioning
    from grid
    left join commented_counts
        on
            grid.period_start = commented_counts.period_start
            and grid.segment = commented_counts.segment
    left join mention_counts
        on
            grid.period_start = mention_counts.period_start
            and grid.segment = mention_counts.segment
            and grid.topic_id = mention_counts.topic_id

),

with_baseline as (

    select
        *,
        cast(
            coalesce(sum(commented_responses) over baseline_window, 0) as bigint
        ) as baseline_commented_responses,
        cast(
            coalesce(sum(responses_mentioning) over baseline_window, 0) as bigint
        ) as baseline_responses_mentioning,
        cast(
            coalesce(count(*) filter (where commented_responses > 0) over baseline_window, 0)
            as bigint
        ) as baseline_periods
    from counted
    window baseline_window as (
        partition by segment, topic_id
        order by period_index
        range between {{ window }} preceding and 1 preceding
    )

),

final as (

    select
        -- keys
        period_start,
        segment,
        topic_id,

        -- attributes
        period_index,

        -- counts in the period
        commented_responses,
        responses_mentioning,
        accounts_mentioning,

        -- amounts
        cast(arr_accounts_mentioning as double) as arr_accounts_mentioning,

        -- counts in the trailing baseline window
        baseline_periods,
        baseline_commented_responses,
        baseline_responses_mentioning

    from with_baseline

)

select * from final
