{#- The seed method of docs/metrics.md "Linking NPS to retention and revenue" for CSAT and CES
    ("CSAT and CES"): per survey type, customer and horizon k in var retention_horizons, the
    customer's LATEST response whose horizon date (response date + k months; month ends clip)
    is on or before the as-of date, its band, and whether the customer was active (inside an
    activity spell) on that horizon date. One observation per customer, so the marts' plain
    Wilson interval needs no clustering; the choice of response looks at dates only, never at
    the outcome. -#}
{%- set horizons = var('retention_horizons') -%}

with

responses as (

    select * from {{ ref('int_surveys__csat_ces_responses') }}

),

activity_spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

horizon_responses as (

    {% for k in horizons -%}
        select
            response_id,
            customer_id,
            responded_at,
            response_date,
            survey_type,
            score,
            band,
            {{ k }} as horizon_months,
            cast(response_date + interval {{ k }} month as date) as horizon_date
        from responses
        {% if not loop.last -%}
            union all
        {% endif -%}
    {%- endfor %}

),

latest_passed as (

    select
        horizon_responses.*,
        as_of.as_of_date
    from horizon_responses
    cross join as_of
    where horizon_responses.horizon_date <= as_of.as_of_date
    qualify row_number() over (
        partition by
            horizon_responses.survey_type,
            horizon_responses.customer_id,
            horizon_responses.horizon_months
        order by horizon_responses.responded_at desc, horizon_responses.response_id desc
    ) = 1

),

final as (

    select
        latest_passed.survey_type,
        latest_passed.customer_id,
        latest_passed.horizon_months,
        latest_passed.response_id,
        latest_passed.response_date,
        latest_passed.score,
        latest_passed.band,
        latest_passed.horizon_date,
        coalesce(bool_or(
            activity_spells.spell_start_date <= latest_passed.horizon_date
            and (
                activity_spells.spell_end_date is null
                or latest_passed.horizon_date < activity_spells.spell_end_date
            )
        ), false) as is_retained,
        latest_passed.as_of_date
    from latest_passed
    left join activity_spells
        on latest_passed.customer_id = activity_spells.customer_id
    group by
        latest_passed.survey_type,
        latest_passed.customer_id,
        latest_passed.horizon_months,
        latest_passed.response_id,
        latest_passed.response_date,
        latest_passed.score,
        latest_passed.band,
        latest_passed.horizon_date,
        latest_passed.as_of_date

)

select * from final
