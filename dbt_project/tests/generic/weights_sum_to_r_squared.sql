{#- Johnson's relative weights add up to the model's R^2 (docs/metrics.md "Text feedback",
    key-driver analysis; used on marts.nps_drivers): per group of one fitted model,
    sum(raw_weight) = r_squared within `tolerance`, and the published (zeroed) weights add up
    to significant_r_squared. -#}
{% test weights_sum_to_r_squared(model, group_by, tolerance=0.000001) %}

select
    {{ group_by | join(', ') }},
    sum(raw_weight) as weights,
    max(r_squared) as r_squared,
    sum(relative_weight) as published_weights,
    max(significant_r_squared) as significant_r_squared
from {{ model }}
where r_squared is not null
group by {{ group_by | join(', ') }}
having
    abs(sum(raw_weight) - max(r_squared)) > {{ tolerance }}
    or abs(sum(relative_weight) - max(significant_r_squared)) > {{ tolerance }}
    or max(r_squared) != min(r_squared)

{% endtest %}
