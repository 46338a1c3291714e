{#- Per customer per response month: the customer's latest NPS response in that month, and
    whether the customer was active (inside an activity spell) k months after the response
    date, for each k in var('retention_horizons'). Seed method of docs/metrics.md "Linking NPS to
    retention and revenue", counted from the response date. -#}
{%- set horizons = var('retention_horizons') -%}

with

nps_responses as (

    -- NPS answers only: mapped CSAT answers have their own retention marts (csat_retention)
    select * from {{ ref('int_surveys__nps_responses_categorized') }}
    where category_source = 'nps'

),

activity_spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

ranked_responses as (

    select
        *,
        row_number() over (
            partition by customer_id, response_month
            order by responded_at desc, response_id desc
        ) as response_rank_in_month
    from nps_responses

),

latest_responses as (

    select
        response_id,
        customer_id,
        responded_at,
        response_date,
        response_month,
        {%- for k in horizons %}
            cast(response_date + interval {{ k }} month as date) as horizon_date_{{ k }}m,
        {%- endfor %}
        nps_score,
        nps_category,
        nps_points,
        segment,
        plan_tier,
        acquisition_channel
    from ranked_responses
    where response_rank_in_month = 1

),

activity_on_horizons as (

    select
        latest_responses.response_id,
        {%- for k in horizons %}
            coalesce(bool_or(
                activity_spells.spell_start_date <= latest_responses.horizon_date_{{ k }}m
                and (
                    activity_spells.spell_end_date is null
                    or latest_responses.horizon_date_{{ k }}m < activity_spells.spell_end_date
                )
            ), false) as is_active_{{ k }}m,
        {%- endfor %}
        coalesce(bool_or(
            activity_spells.spell_start_date <= latest_responses.response_date
            and (
                activity_spells.spell_end_date is null
                or latest_responses.response_date < activity_spells.spell_end_date
            )
        ), false) as is_active_on_response_date
    from latest_responses
    left join activity_spells
        on latest_responses.customer_id = activity_spells.customer_id
    group by latest_responses.response_id

),

final as (

    select
        latest_responses.response_id,
        latest_responses.customer_id,
        latest_responses.responded_at,
        latest_responses.response_date,
        latest_responses.response_month,
        latest_responses.nps_score,
        latest_responses.nps_category,
        latest_responses.nps_points,
        latest_responses.segment,
        latest_responses.plan_tier,
        latest_responses.acquisition_channel,
        {%- for k in horizons %}
            latest_responses.horizon_date_{{ k }}m,
            coalesce(
                latest_responses.horizon_date_{{ k }}m <= as_of.as_of_date, false
            ) as has_horizon_passed_{{ k }}m,
            case
                when latest_responses.horizon_date_{{ k }}m <= as_of.as_of_date
                    then activity_on_horizons.is_active_{{ k }}m
            end as is_retained_{{ k }}m,
        {%- endfor %}
        activity_on_horizons.is_active_on_response_date,
        as_of.as_of_date
    from latest_responses
    inner join activity_on_horizons
        on latest_responses.response_id = activity_on_horizons.response_id
    cross join as_of

)

select * from final
