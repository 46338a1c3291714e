{#-
    Settings and small formulas of the finance marts (clv_by_segment, cx_revenue_linkage;
    docs/metrics.md "CLV and CAC" and "Linking NPS to retention and revenue"). Every setting is
    validated here, so a bad value stops the build with a message naming the variable.
-#}

{#- Days in one month of the finance marts' time scale: 365.25 / 12. Durations measured in days
    (spells, buyer lifetimes) become months by dividing by it. -#}
{% macro days_per_month() -%}
    30.4375
{%- endmacro %}

{#- Gross margin (var gross_margin, env CXLINK_GROSS_MARGIN) as a SQL double literal; a share in
    (0, 1]. -#}
{% macro gross_margin() -%}
    {%- set raw = (var('gross_margin', '0.8') or '') | string | trim -%}
    {%- if not modules.re.match('^[0-9]*\\.?[0-9]+$', raw) or (raw | float) <= 0 or (raw | float) > 1 -%}
        {{ exceptions.raise_compiler_error("gross_margin / CXLINK_GROSS_MARGIN must be a share in (0, 1], got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return('cast(' ~ raw ~ ' as double)') }}
{%- endmacro %}

{#- A whole-month setting of the finance marts as an integer (>= minimum), failing the build
    with the variable's name otherwise. -#}
{% macro finance_months_var(name, default, minimum=1) -%}
    {%- set raw = (var(name, default) | string | trim) -%}
    {%- if not modules.re.match('^[0-9]+$', raw) or (raw | int) < minimum -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a whole number of months >= " ~ minimum ~ ", got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return(raw | int) }}
{%- endmacro %}

{#- Which lifetime the CLV uses (var clv_lifetime): 'inverse_churn' (1 / monthly churn) or
    'rmst' (Kaplan-Meier restricted mean survival time). -#}
{% macro clv_lifetime_method() -%}
    {%- set method = (var('clv_lifetime', 'inverse_churn') | string | trim | lower) -%}
    {%- if method not in ('inverse_churn', 'rmst') -%}
        {{ exceptions.raise_compiler_error("var clv_lifetime must be 'inverse_churn' or 'rmst', got '" ~ method ~ "'") }}
    {%- endif -%}
    {{ return(method) }}
{%- endmacro %}

{#- An order of a transactional customer (docs/metrics.md "CLV and CAC", one-time rows, and
    "Transactional customers"): a `one_time` invoice line with a positive amount; credits and
    refunds are no orders (they still count in net revenue). `invoices` is the alias of a
    relation with line_type and amount (int_billing__invoices_converted); '' for none. The one
    home of the definition: int_finance__one_time_buyers and int_finance__one_time_orders use it.
    -#}
{% macro is_one_time_order(invoices='') -%}
    {%- set prefix = invoices ~ '.' if invoices else '' -%}
    ({{ prefix }}line_type = 'one_time' and {{ prefix }}amount > 0)
{%- endmacro %}
