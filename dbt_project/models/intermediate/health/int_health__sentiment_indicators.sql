{#- Per active account-month with a tagged comment in the lookback: the mean sentiment of the
    statements of the customer's comments (every survey type) dated on or before the snapshot
    date and after snapshot date - sentiment_lookback_months, each statement weighing the same
    (sum over responses of statements x their mean / statements). docs/metrics.md "Customer
    health and closing the loop", Health score; the sentiment of "Text feedback". -#}

with

responses as (

    select * from {{ ref('int_text__responses_enriched') }}

),

account_months as (

    select * from {{ ref('int_health__account_months') }}

),

parameters as (

    select * from {{ ref('int_health__score_parameters') }}

),

tagged as (

    select
        customer_id,
        response_date,
        statements,
        mean_sentiment
    from responses
    where has_tagged_comment and statements > 0 and mean_sentiment is not null

),

final as (

    select
        account_months.customer_id,
        account_months.month_start,
        count(*) as tagged_comments,
        cast(sum(tagged.statements) as bigint) as tagged_statements,
        cast(
            sum(tagged.statements * tagged.mean_sentiment) / sum(tagged.statements) as double
        ) as mean_comment_sentiment
    from account_months
    cross join parameters
    inner join tagged
        on
            account_months.customer_id = tagged.customer_id
            and account_months.snapshot_date >= tagged.response_date
            and tagged.response_date > cast(
                account_months.snapshot_date - to_months(parameters.sentiment_lookback_months)
                as date
            )
    group by account_months.customer_id, account_months.month_start

)

select * from final
