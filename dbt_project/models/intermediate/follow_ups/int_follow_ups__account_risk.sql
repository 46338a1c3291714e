{#- Per account: its ARR on the as-of date and the ARR at risk that orders the follow-ups
    (docs/metrics.md "Follow-up rules", priority). ARR = 12 x MRR on the as-of date
    (int_finance__current_accounts, as "today's detractors" in the linkage marts; 0 when not
    active). The account's churn probability is the 12-month (var linkage_horizon_months) logo
    churn rate of its NPS category in the linkage cohort over every segment
    (cx_revenue_linkage_overall), the category being that of its latest answer of the horizon;
    the baseline is the churn rate of the whole cohort (cx_revenue_linkage_total). An account
    without an answer in the horizon gets the baseline. ARR at risk = ARR x max(p - baseline,
    0); null where the cohort has no churn rate (less history than the horizon). -#}

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

category_churn as (

    select
        nps_category,
        logo_churn_rate
    from linkage
    where segment = 'all' and nps_category in ('promoter', 'passive', 'detractor')

),

baseline as (

    select logo_churn_rate as baseline_churn_probability
    from linkage
    where segment = 'all' and nps_category = 'all'

),

probabilities as (

    select
        customers.customer_id,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(current_accounts.is_active, false) as is_active,
        cast(coalesce(current_accounts.arr, 0) as decimal(38, 4)) as arr,
        current_accounts.latest_nps_category as nps_category,
        baseline.baseline_churn_probability,
        case
            when category_churn.logo_churn_rate is not null then 'nps_category'
            when baseline.baseline_churn_probability is not null then 'baseline'
        end as churn_probability_source,
        coalesce(category_churn.logo_churn_rate, baseline.baseline_churn_probability)
            as churn_probability
    from customers
    -- one row, or none before the data reach the horizon
    left join baseline on true
    left join current_accounts
        on customers.customer_id = current_accounts.customer_id
    left join category_churn
        on current_accounts.latest_nps_category = category_churn.nps_category

),

final as (

    select
        -- ids
        customer_id,

        -- attributes
        segment,
        nps_category,
        churn_probability_source,

        -- amounts and probabilities
        arr,
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
