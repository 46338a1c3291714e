{#- A bound is null whenever its estimate is (docs/metrics.md "Conventions shared by every mart",
    Intervals). `intervals` maps each estimate column of the model to its [low, high] bound
    columns; one failing row per estimate and row where the estimate is null but a bound is not.
    DuckDB's greatest / least skip nulls, so a clipped bound such as greatest(0, null) reads 0
    where there is nothing to bound (macro clipped_bound avoids it). A null bound under a known
    estimate (an unbounded side) is allowed. -#}
{% test bounds_null_with_estimate(model, intervals) %}

{%- for estimate, bounds in intervals.items() %}
{%- if bounds | length != 2 -%}
    {{ exceptions.raise_compiler_error(
        "bounds_null_with_estimate: " ~ estimate ~ " needs [low, high], got " ~ bounds
    ) }}
{%- endif %}
select
    '{{ estimate }}' as estimate_column,
    cast({{ bounds[0] }} as double) as ci_low,
    cast({{ bounds[1] }} as double) as ci_high
from {{ model }}
where
    {{ estimate }} is null
    and ({{ bounds[0] }} is not null or {{ bounds[1] }} is not null)
{% if not loop.last %}union all{% endif %}
{%- endfor %}

{% endtest %}
