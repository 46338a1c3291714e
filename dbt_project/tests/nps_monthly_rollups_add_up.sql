-- Every rollup row of nps_monthly adds up the finest-grain rows it covers: for each month, the
-- sum over the finest rows matching a rollup row's non-'all' dimensions equals its counts.
with

nps_monthly as (

    select * from {{ ref('nps_monthly') }}

),

finest as (

    select * from nps_monthly
    where grouping_level = 0

),

rollups as (

    select * from nps_monthly
    where grouping_level > 0

),

recomputed as (

    select
        rollups.response_month,
        rollups.segment,
        rollups.plan_tier,
        rollups.acquisition_channel,
        rollups.language,
        rollups.responses,
        rollups.promoters,
        rollups.detractors,
        sum(finest.responses) as finest_responses,
        sum(finest.promoters) as finest_promoters,
        sum(finest.detractors) as finest_detractors
    from rollups
    inner join finest
        on
            rollups.response_month = finest.response_month
            and rollups.segment in ('all', finest.segment)
            and rollups.plan_tier in ('all', finest.plan_tier)
            and rollups.acquisition_channel in ('all', finest.acquisition_channel)
            and rollups.language in ('all', finest.language)
    group by
        rollups.response_month,
        rollups.segment,
        rollups.plan_tier,
        rollups.acquisition_channel,
        rollups.language,
        rollups.responses,
        rollups.promoters,
        rollups.detractors

)

select * from recomputed
where
    responses <> finest_responses
    or promoters <> finest_promoters
    or detractors <> finest_detractors
