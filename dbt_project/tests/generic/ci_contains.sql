{#- Confidence interval sanity: low <= high and, where the estimate is not null, low <= estimate
    <= high (the column is the estimate). Rows with a null interval are not checked. -#}
{% test ci_contains(model, column_name, low, high) %}

select
    {{ column_name }} as estimate,
    {{ low }} as ci_low,
    {{ high }} as ci_high
from {{ model }}
where
    {{ low }} is not null
    and {{ high }} is not null
    and (
        {{ low }} > {{ high }}
        or {{ column_name }} < {{ low }}
        or {{ column_name }} > {{ high }}
    )

{% endtest %}
