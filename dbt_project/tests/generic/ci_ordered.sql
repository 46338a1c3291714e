{#- Both bounds present together and low <= high (for intervals not centred on the estimate,
    such as the adjusted Wald NPS interval). -#}
{% test ci_ordered(model, low, high) %}

select
    {{ low }} as ci_low,
    {{ high }} as ci_high
from {{ model }}
where
    ({{ low }} is null) <> ({{ high }} is null)
    or {{ low }} > {{ high }}

{% endtest %}
