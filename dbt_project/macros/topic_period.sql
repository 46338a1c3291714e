{#-
    The topic period of the topic marts (docs/metrics.md "Text feedback"): var `topic_period`,
    'month' or 'quarter'. Their statistics are in statistics.sql.
-#}

{#- The period a date falls in for the topic marts: var `topic_period` is 'month' (default) or
    'quarter'; anything else fails the build. -#}
{% macro topic_period_start(date_expression) -%}
    {%- set grain = var('topic_period', 'month') | string | trim | lower -%}
    {%- if grain not in ('month', 'quarter') -%}
        {{ exceptions.raise_compiler_error("var topic_period must be 'month' or 'quarter', got '" ~ grain ~ "'") }}
    {%- endif -%}
    cast(date_trunc('{{ grain }}', {{ date_expression }}) as date)
{%- endmacro %}

{#- The configured period grain as a SQL string literal. -#}
{% macro topic_period_grain() -%}
    '{{ var("topic_period", "month") | string | trim | lower }}'
{%- endmacro %}

{#- Months in one topic period: 3 for 'quarter', else 1 (the step of the period series). -#}
{% macro topic_period_months() -%}
    {%- set grain = var('topic_period', 'month') | string | trim | lower -%}
    {{ return(3 if grain == 'quarter' else 1) }}
{%- endmacro %}
