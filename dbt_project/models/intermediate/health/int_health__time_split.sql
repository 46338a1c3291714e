{#- One row: the time split of the learned health score (docs/metrics.md "Customer health and
    closing the loop", Learned score). An account-month's outcome (churn within N months, var
    health_churn_horizon_months) is known when the last day of month + N is on or before the
    as-of date; the last such month is last_labelled_month. Validation: the last
    var health_validation_months (12) labelled months. Fit: the months whose outcome was known
    before the first validation month began (month + N < validation_first_month), so no fitted
    label looks into the validation period. -#}
{%- set horizon = health_churn_horizon_months() -%}
{%- set validation = health_validation_months() -%}

with

as_of as (

    select * from {{ ref('int_calendar__as_of_dates') }}

),

labelled as (

    select
        as_of_date,
        cast(
            date_trunc('month', as_of_date)
            - to_months(
                case when as_of_date = last_day(as_of_date) then 0 else 1 end + {{ horizon }}
            )
            as date
        ) as last_labelled_month
    from as_of

),

final as (

    select
        as_of_date,
        cast({{ horizon }} as integer) as horizon_months,
        last_labelled_month,
        cast(
            last_labelled_month - to_months({{ validation - 1 }}) as date
        ) as validation_first_month,
        cast(
            last_labelled_month - to_months({{ validation + horizon }}) as date
        ) as fit_last_month
    from labelled

)

select * from final
