{#- The value of a dimension in a `cube` / `rollup` row: 'all' where the row aggregates over
    the dimension, else the dimension's value. Every model with rollups labels them this way
    (docs/metrics.md "Survey metrics" and "Text feedback": a dimension reads 'all' in its
    rollup rows). -#}
{% macro rollup_label(column) -%}
    case when grouping({{ column }}) = 1 then 'all' else {{ column }} end
{%- endmacro %}
