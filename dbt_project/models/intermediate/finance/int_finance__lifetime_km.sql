{#- Kaplan-Meier retention and restricted mean survival time per CLV cell (billing_model x
    segment x plan_tier x acquisition_channel with 'all' rollups), over every lifetime in
    int_finance__lifetimes (all history, not only the CLV window). RMST within var
    rmst_horizon_months is the "expected months retained" of domain.md "Linking NPS to
    retention and revenue" / "CLV and CAC"; SE by the Greenwood-type formula of macro
    kaplan_meier_rmst. Months = days / 30.4375. -#}
{%- set dpm = days_per_month() -%}
{%- set rmst_months = finance_months_var('rmst_horizon_months', 36) -%}

with

lifetimes as (

    select * from {{ ref('int_finance__lifetimes') }}

),

customer_cells as (

    select * from {{ ref('int_finance__customer_cells') }}

),

cell_lifetimes as (

    select
        customer_cells.billing_model,
        customer_cells.segment,
        customer_cells.plan_tier,
        customer_cells.acquisition_channel,
        lifetimes.duration_days,
        lifetimes.is_event
    from lifetimes
    inner join customer_cells
        on
            lifetimes.customer_id = customer_cells.customer_id
            and lifetimes.billing_model = customer_cells.billing_model

),

km as (

    {{ kaplan_meier_rmst(
        'cell_lifetimes',
        ['billing_model', 'segment', 'plan_tier', 'acquisition_channel'],
        'duration_days',
        'is_event',
        rmst_months ~ ' * ' ~ dpm
    ) }}

),

final as (

    select
        billing_model,
        segment,
        plan_tier,
        acquisition_channel,
        observations as lifetimes_observed,
        events as lifetime_events,
        {{ rmst_months }} as rmst_horizon_months,
        survival_at_horizon,
        survival_se,
        rmst / {{ dpm }} as rmst_months,
        rmst_se / {{ dpm }} as rmst_se_months,
        max_follow_up / {{ dpm }} as max_follow_up_months
    from km

)

select * from final
