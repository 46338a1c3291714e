{#-
    A source relation, or an empty typed relation with the same columns when the source table
    does not exist yet in this warehouse.

    The text tables (schema `text`) are written by the translation and tagging assets. A
    warehouse on which those assets have never run (an older data dir, a code location without
    them) still builds every model: the text models publish zero rows instead of failing. Once
    the table exists it is read as it is, so a column that is missing from it fails loudly.
    `source()` is always called, so dbt and Dagster keep the lineage (Dagster orders the dbt
    build after the assets that write the tables).

    `columns` maps column name -> DuckDB type, in the order of the contract.
-#}
{% macro source_or_empty(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(
            database=relation.database,
            schema=relation.schema,
            identifier=relation.identifier
        ) -%}
        {%- if existing is none -%}
            {{ log("source " ~ source_name ~ "." ~ table_name ~ " does not exist yet: "
                ~ model.name ~ " publishes zero rows", info=True) }}
            (
                select
                {%- for name, data_type in columns.items() %}
                    cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
                {%- endfor %}
                where false
            )
        {%- else -%}
            {{ relation }}
        {%- endif -%}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
