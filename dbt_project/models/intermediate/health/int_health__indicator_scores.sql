{#- One row per active account-month and indicator: the normalised score s (null = missing)
    with the configured weight and band cut-offs of the account's segment and tenure stage
    (int_health__score_config; segment '*' for a segment no override names). The long form the
    weighted scores aggregate (docs/metrics.md "Customer health and closing the loop", Health
    score). -#}

with

indicator_values as (

    select * from {{ ref('int_health__indicator_values') }}

),

config as (

    select * from {{ ref('int_health__score_config') }}

),

named_segments as (

    select distinct segment
    from config
    where segment <> '*'

),

unpivoted as (

    {%- for indicator in health_indicators() %}
        select
            customer_id,
            month_start,
            segment,
            tenure_stage,
            '{{ indicator }}' as indicator,
            s_{{ indicator }} as indicator_score
        from indicator_values
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        -- ids
        unpivoted.customer_id,
        unpivoted.indicator,

        -- attributes
        unpivoted.segment,
        unpivoted.tenure_stage,
        config.indicator_order,
        config.score_version,

        -- numbers
        unpivoted.indicator_score,
        config.weight,
        config.green_min,
        config.red_below,

        -- dates
        unpivoted.month_start

    from unpivoted
    left join named_segments
        on unpivoted.segment = named_segments.segment
    inner join config
        on
            coalesce(named_segments.segment, '*') = config.segment
            and unpivoted.tenure_stage = config.tenure_stage
            and unpivoted.indicator = config.indicator

)

select * from final
