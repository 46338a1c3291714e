{#- Rollups (docs/metrics.md "Conventions shared by every mart": one grain per published
    table). A rollup intermediate computes every grouping set at once (`group by month,
    cube(...)`) and carries DuckDB's grouping(...) bitmask as `grouping_id`; each published
    mart selects exactly one grouping set and drops the rolled-up dimension columns, so no
    published row reads 'all' and a BI tool's sum over a table's rows never counts a row
    twice. The set is named by its bitmask, not by a label, since a real dimension value could
    be 'all' (the finance and topic intermediates, built by hand, label their rollups 'all'
    and rely on the staging tests that forbid the value: labelled_grouping_set_filter).

    grouping(d1, ..., dn) sets bit n - i (0-based from the right) when d_i is aggregated over:
    the first dimension is the most significant bit, as in DuckDB and the SQL standard. -#}

{#- The grouping_id column of a rollup intermediate, over its dimensions in order. -#}
{% macro grouping_id(dimensions) -%}
    cast(grouping({{ dimensions | join(', ') }}) as integer)
{%- endmacro %}

{#- The grouping_id of the set that keeps `kept` and rolls up the other `dimensions`. -#}
{% macro grouping_set_id(dimensions, kept) -%}
    {%- for dimension in kept if dimension not in dimensions -%}
        {{ exceptions.raise_compiler_error(
            "grouping set: '" ~ dimension ~ "' is not one of the rollup's dimensions "
            ~ dimensions | join(', ') ~ "; keep only those (macros/rollups.sql)"
        ) }}
    {%- endfor -%}
    {%- set ns = namespace(mask=0) -%}
    {%- for dimension in dimensions -%}
        {%- if dimension not in kept -%}
            {%- set ns.mask = ns.mask + 2 ** (dimensions | length - loop.index) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ ns.mask }}
{%- endmacro %}

{#- The columns of one grouping set: every column but the set's identifier (grouping_id, or
    grouping_level in a labelled intermediate; none: id_column=none), the rolled-up dimensions
    and `also_drop` (attributes of a rolled-up dimension). -#}
{% macro grouping_set_columns(dimensions, kept, id_column='grouping_id', also_drop=[]) -%}
    {%- set dropped = ([id_column] if id_column else []) + also_drop -%}
    {%- for dimension in dimensions if dimension not in kept -%}
        {%- do dropped.append(dimension) -%}
    {%- endfor -%}
    *{% if dropped %} exclude ({{ dropped | join(', ') }}){% endif %}
{%- endmacro %}

{#- The rows of one grouping set of a rollup intermediate. -#}
{% macro grouping_set_filter(dimensions, kept) -%}
    grouping_id = {{ grouping_set_id(dimensions, kept) }}
{%- endmacro %}

{#- The rows of one grouping set of an intermediate that labels rolled-up dimensions 'all'
    (the finance and topic intermediates, which build their rollups by hand): the kept
    dimensions read a value, the others 'all'. Robust because the staging models reject a
    real 'all' (dimension_not_reserved tests on stg_crm__customers and stg_surveys__responses).
    -#}
{% macro labelled_grouping_set_filter(dimensions, kept) -%}
    {%- for dimension in dimensions -%}
        {{ dimension }} {{ "!=" if dimension in kept else "=" }} 'all'
        {%- if not loop.last %} and {% endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- The value of a dimension in a `cube` / `rollup` row of a labelled intermediate: 'all'
    where the row aggregates over the dimension (the topic intermediates' segment 'all'). -#}
{% macro rollup_label(column) -%}
    case when grouping({{ column }}) = 1 then 'all' else {{ column }} end
{%- endmacro %}
