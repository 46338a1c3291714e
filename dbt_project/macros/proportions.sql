{#-
    Wilson score interval for a binomial proportion (Wilson 1927), used for retention rates:
        centre    = (p + z^2 / (2n)) / (1 + z^2 / n)
        halfwidth = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
    with p = successes / n. It stays inside [0, 1] and always contains p; at p = 0 (p = 1) the
    lower (upper) bound is exactly 0 (1), not a rounding error away. `bound` is 'lower' or
    'upper'; null when n = 0.
-#}
{% macro wilson_interval(successes, n, z, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wilson_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set z_value -%}cast({{ z }} as double){%- endset -%}
    {%- set p -%}(1.0 * {{ successes }} / {{ n }}){%- endset -%}
    case
        when {{ n }} is null or {{ n }} <= 0 then null
        {%- if bound == 'lower' %}
        when {{ successes }} = 0 then 0.0
        {%- else %}
        when {{ successes }} = {{ n }} then 1.0
        {%- endif %}
        else cast((
            ({{ p }} + {{ z_value }} * {{ z_value }} / (2.0 * {{ n }}))
            {{ '-' if bound == 'lower' else '+' }} {{ z_value }} * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ n }}
                + {{ z_value }} * {{ z_value }} / (4.0 * {{ n }} * {{ n }})
            )
        ) / (1 + {{ z_value }} * {{ z_value }} / {{ n }}) as double)
    end
{%- endmacro %}
