{#-
    Currency conversion to the reporting currency (var `reporting_currency`), see
    intermediate/billing/int_billing__fx_rates. A currency that has no rate at all must stop the build
    with a message naming it: never a silent drop or an assumed rate of 1.
-#}

{#- The reporting currency code, upper-cased (var reporting_currency, env CXLINK_REPORTING_CURRENCY). -#}
{% macro reporting_currency() -%}
    {%- set code = (var('reporting_currency', 'EUR') or '') | string | trim | upper -%}
    {%- if not modules.re.match('^[A-Z]{3}$', code) -%}
        {{ exceptions.raise_compiler_error("reporting_currency / CXLINK_REPORTING_CURRENCY must be an ISO 4217 code, got '" ~ code ~ "'") }}
    {%- endif -%}
    {{ return(code) }}
{%- endmacro %}

{#- Join condition of a row (currency column, date column) to its int_billing__fx_rates validity range. -#}
{% macro fx_rate_join(fx_alias, currency_column, date_column) -%}
    {{ fx_alias }}.currency_code = {{ currency_column }}
    and {{ date_column }} >= {{ fx_alias }}.valid_from_date
    and {{ date_column }} < {{ fx_alias }}.valid_to_date
{%- endmacro %}

{#- The joined rate, or a query-time error (DuckDB error()) naming the currency and where it was
    needed when int_billing__fx_rates has no rate for it at all. -#}
{% macro fx_rate_or_error(rate_column, currency_column, needed_for) -%}
    coalesce(
        {{ rate_column }},
        error(
            'cxlink: no fx rate to {{ reporting_currency() }} for currency '
            || coalesce({{ currency_column }}, '(null)')
            || ' (needed for {{ needed_for }}): deliver landing/fx_rates rows for it'
        )
    )
{%- endmacro %}

{#- An amount converted at a rate, rounded to 4 decimals (the scale of every landed amount), so
    that sums of converted amounts are exact decimals. The product is taken at width 38: DuckDB
    keeps DECIMAL(18, 4) x DECIMAL(18, 10) at width 18 (scale 14), which overflows from about
    10,000 units on; the result is DECIMAL(38, 4) (macros/money.sql). -#}
{% macro to_reporting(amount_column, rate_column) -%}
    cast(round(cast({{ amount_column }} as decimal(38, 4)) * {{ rate_column }}, 4) as {{ derived_money_type() }})
{%- endmacro %}
