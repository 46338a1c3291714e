{#-
    Use the configured schema name as it is (staging, intermediate, marts) instead of dbt's
    default `<target schema>_<custom schema>`: Dagster, the summary and BI tools read
    `marts.<table>` directly. Models without a configured schema go to the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
