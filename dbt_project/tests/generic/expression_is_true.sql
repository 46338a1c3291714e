{#- Every row satisfies the boolean SQL expression (rows where it is null fail too). Works on a
    model or under a column (the column is then only where the test is listed). -#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
