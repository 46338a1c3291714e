{#- MRR movement of a customer-month (docs/metrics.md "Subscription revenue (MRR) metrics";
    ChartMogul, dbt-labs/mrr-playbook mrr.sql), in this CASE order: first active month -> new;
    inactive now and active the month before -> churn; active now, inactive the month before,
    active earlier -> reactivation; MRR up -> expansion; MRR down -> contraction; else
    unchanged. -#}
{% macro mrr_movement(is_active, was_active_previous_month, is_first_active_month, mrr, previous_mrr) -%}
    case
        when {{ is_active }} and {{ is_first_active_month }} then 'new'
        when not {{ is_active }} and {{ was_active_previous_month }} then 'churn'
        when {{ is_active }} and not {{ was_active_previous_month }} then 'reactivation'
        when {{ mrr }} > {{ previous_mrr }} then 'expansion'
        when {{ mrr }} < {{ previous_mrr }} then 'contraction'
        else 'unchanged'
    end
{%- endmacro %}

{#- Ratio as a double, null when the denominator is 0 (no customers / no MRR at the start). -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
{%- endmacro %}

{#- The spend-to-acquisition lag of the CAC in whole months (var cac_lag_months, env
    CXLINK_CAC_LAG_MONTHS, default 0). A value that is not a non-negative integer fails the
    build. -#}
{% macro cac_lag_months() -%}
    {%- set value = (var('cac_lag_months', 0) or 0) | string | trim -%}
    {%- if not modules.re.match('^[0-9]+$', value) -%}
        {{ exceptions.raise_compiler_error("cac_lag_months / CXLINK_CAC_LAG_MONTHS must be a whole number of months >= 0, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}
