{#- The model has between min_rows and max_rows rows (inclusive). -#}
{% test row_count_between(model, min_rows=0, max_rows=none) %}

select n_rows
from (select count(*) as n_rows from {{ model }}) as counted
where
    n_rows < {{ min_rows }}
    {%- if max_rows is not none %}
        or n_rows > {{ max_rows }}
    {%- endif %}

{% endtest %}
