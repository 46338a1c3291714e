{#- Per account: its ARR on the as-of date, its health now and the month before, and the ARR at
    risk that orders the follow-ups (docs/metrics.md "Follow-up rules", ARR at risk). ARR = 12 x
    MRR on the as-of date (int_finance__current_accounts; 0 when not active). The churn
    probability p and its baseline p0 come from the health score when it has one for the
    account: p = its learned churn probability in the latest month of marts.customer_health, p0
    = the mean of that month's learned probabilities (int_follow_ups__account_health; horizon:
    var health_churn_horizon_months). Otherwise from the linkage cohort over every segment: p = the
    logo churn rate of the category of the account's latest NPS answer of the linkage horizon
    (cx_revenue_linkage_overall), p0 = the whole cohort's rate (cx_revenue_linkage_total); an
    account without such an answer gets p = p0. ARR at risk = ARR x max(p - p0, 0); null where
    there is no probability at all (less history than the linkage horizon, no fitted health
    model). -#}

with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

current_accounts as (

    select * from {{ ref('int_finance__current_accounts') }}

),

linkage as (

    select * from {{ ref('int_finance__revenue_linkage_rollups') }}

),

measurement_window as (

    select * from {{ ref('int_finance__measurement_windows') }}

),

account_health as (

    select * from {{ ref('int_follow_ups__account_health') }}

),

category_churn as (

    select
        nps_category,
        logo_churn_rate
    from linkage
    where segment = 'all' and nps_category in ('promoter', 'passive', 'detractor')

),

linkage_baseline as (

    select logo_churn_rate as baseline_probability
    from linkage
    where segment = 'all' and nps_category = 'all'

),

sources as (

    select
        customers.customer_id,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(current_accounts.is_active, false) as is_active,
        cast(coalesce(current_accounts.arr, 0) as decimal(38, 4)) as arr,
        current_accounts.latest_nps_category as nps_category,
        account_health.health_score,
        account_health.health_band,
        account_health.previous_health_band,
        account_health.learned_churn_probability is not null
        and account_health.health_baseline_probability is not null as uses_health,
        account_health.learned_churn_probability,
        account_health.health_baseline_probability,
        account_health.horizon_months as health_horizon_months,
        category_churn.logo_churn_rate as category_churn_probability,
        linkage_baseline.baseline_probability as linkage_baseline_probability,
        measurement_window.linkage_horizon_months
    from customers
    cross join measurement_window
    -- one row, or none before the data reach the linkage horizon
    left join linkage_baseline on true
    left join current_accounts
        on customers.customer_id = current_accounts.customer_id
    left join category_churn
        on current_accounts.latest_nps_category = category_churn.nps_category
    left join account_health
        on customers.customer_id = account_health.customer_id

),

probabilities as (

    select
        *,
        case
            when uses_health then 'health_learned'
            when category_churn_probability is not null then 'nps_category'
            when linkage_baseline_probability is not null then 'baseline'
        end as churn_probability_source,
        case
            when uses_health then learned_churn_probability
            else coalesce(category_churn_probability, linkage_baseline_probability)
        end as churn_probability,
        case
            when uses_health then health_baseline_probability
            else linkage_baseline_probability
        end as baseline_churn_probability,
        case
            when uses_health then health_horizon_months else linkage_horizon_months
        end as churn_horizon_months
    from sources

),

final as (

    select
        -- ids
        customer_id,

        -- attributes
        segment,
        nps_category,
        health_band,
        previous_health_band,
        churn_probability_source,
        churn_horizon_months,

        -- amounts, scores and probabilities
        arr,
        health_score,
        churn_probability,
        baseline_churn_probability,
        churn_probability - baseline_churn_probability as churn_lift,
        -- a case, not greatest(): DuckDB's greatest skips nulls and would give 0 for unknown
        case
            when churn_probability - baseline_churn_probability > 0
                then round(
                    cast(arr as double) * (churn_probability - baseline_churn_probability), 2
                )
            when churn_probability is not null and baseline_churn_probability is not null
                then 0.0
        end as arr_at_risk,

        -- flags
        is_active

    from probabilities

)

select * from final
