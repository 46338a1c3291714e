{#- The type of every amount the models derive from landed amounts: an amount converted to the
    reporting currency, a customer's MRR summed over subscriptions, ARR (12 x MRR), an MRR
    movement. Landed amounts are DECIMAL(18, 4) (below 10^14, the extractor quarantines larger
    ones as number_out_of_range); derived ones are DECIMAL(38, 4), so that a huge but valid MRR
    (9e12 a month: ARR 1.08e14) or a sum of many large ones cannot overflow, with sums still
    exact (docs/design-decisions.md, "Money: DECIMAL(18, 4) landed, DECIMAL(38, 4) derived"). -#}
{% macro derived_money_type() -%}
    decimal(38, 4)
{%- endmacro %}
