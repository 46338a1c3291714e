{#- Every lifetime (int_finance__lifetimes: all history, not only the CLV window) in each CLV
    cell its customer belongs to (int_finance__customer_cells: billing_model x segment x
    plan_tier x acquisition_channel with 'all' rollups) and each NPS group it belongs to:
    its own nps_category, 'answered' (any category) and 'all' (every lifetime), the grain of
    int_finance__cell_measures. The input of the Kaplan-Meier estimates
    (docs/metrics.md "CLV and CAC"). -#}

with

lifetimes as (

    select * from {{ ref('int_finance__lifetimes') }}

),

customer_cells as (

    select * from {{ ref('int_finance__customer_cells') }}

),

nps_groups as (

    select
        lifetimes.lifetime_id,
        nps_levels.nps_level,
        case nps_levels.nps_level
            when 'category' then lifetimes.nps_category
            else nps_levels.nps_level
        end as nps_category
    from lifetimes
    cross join (values ('category'), ('answered'), ('all')) as nps_levels (nps_level)
    where nps_levels.nps_level = 'all' or lifetimes.nps_category is not null

),

final as (

    select
        customer_cells.billing_model,
        customer_cells.segment,
        customer_cells.plan_tier,
        customer_cells.acquisition_channel,
        nps_groups.nps_category,
        lifetimes.lifetime_id,
        lifetimes.duration_days,
        lifetimes.is_event
    from lifetimes
    inner join customer_cells
        on
            lifetimes.customer_id = customer_cells.customer_id
            and lifetimes.billing_model = customer_cells.billing_model
    inner join nps_groups
        on lifetimes.lifetime_id = nps_groups.lifetime_id

)

select * from final
