-- Rates delivered for the reporting currency itself must be 1: int_billing__fx_rates converts it at
-- exactly 1 and ignores those rows, which is only right when they agree.
with

fx_rates as (

    select * from {{ ref('stg_billing__fx_rates') }}

)

select * from fx_rates
where
    currency_code = '{{ reporting_currency() }}'
    and rate_to_reporting <> 1
