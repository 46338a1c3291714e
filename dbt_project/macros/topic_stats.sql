{#-
    Statistics for the topic marts (shared/domain.md "Text feedback").
-#}

{#- Upper tail of the standard normal distribution, P(Z >= z) = erfc(z / sqrt(2)) / 2.
    erfc is the Chebyshev fit of Numerical Recipes (`erfcc`, Press et al. 1992, 6.2): fractional
    error below 1.2e-7 everywhere, so small p-values keep their relative accuracy. DuckDB has
    no erf/erfc. Null in, null out. -#}
{% macro normal_upper_tail(z) -%}
    {%- set x -%}(cast({{ z }} as double) / sqrt(2.0)){%- endset -%}
    {%- set t -%}(1.0 / (1.0 + 0.5 * abs({{ x }}))){%- endset -%}
    {%- set tail -%}
        ({{ t }} * exp(
            -{{ x }} * {{ x }} - 1.26551223 + {{ t }} * (1.00002368 + {{ t }} * (0.37409196
            + {{ t }} * (0.09678418 + {{ t }} * (-0.18628806 + {{ t }} * (0.27886807
            + {{ t }} * (-1.13520398 + {{ t }} * (1.48851587 + {{ t }} * (-0.82215223
            + {{ t }} * 0.17087277))))))))
        ))
    {%- endset -%}
    cast(
        0.5 * case when {{ x }} >= 0 then {{ tail }} else 2.0 - {{ tail }} end
        as double
    )
{%- endmacro %}

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
