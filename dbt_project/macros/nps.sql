{#-
    The NPS metric itself (docs/metrics.md "Survey metrics"; R package NPS, brendan-r/NPS
    R/nps.R): category, points and score, and the published figure set. Its standard error and
    interval are statistics and live in statistics.sql (rule in its header).
    Counts in, numbers on the -100..100 scale out. Ratios are formed from integer counts first
    so that exact inputs give exact outputs (e.g. 5 promoters, 2 detractors of 10 -> 30, not
    30.000000000000004).
-#}

{#- NPS category of a 0-10 "likelihood to recommend" score: promoter 9-10, passive 7-8,
    detractor 0-6; null outside 0-10. -#}
{% macro nps_category(score) -%}
    case
        when {{ score }} between 9 and 10 then 'promoter'
        when {{ score }} between 7 and 8 then 'passive'
        when {{ score }} between 0 and 6 then 'detractor'
    end
{%- endmacro %}

{#- Respondent score s_i: +1 promoter, 0 passive, -1 detractor. -#}
{% macro nps_points(score) -%}
    case
        when {{ score }} between 9 and 10 then 1
        when {{ score }} between 7 and 8 then 0
        when {{ score }} between 0 and 6 then -1
    end
{%- endmacro %}

{#- NPS = 100 * (p - d); null when there are no responses. -#}
{% macro nps_score(promoters, passives, detractors) -%}
    cast(
        100.0 * ({{ promoters }} - {{ detractors }})
        / nullif({{ promoters }} + {{ passives }} + {{ detractors }}, 0)
        as double
    )
{%- endmacro %}

{#- The published NPS figure set from three count columns: nps, se, the adjusted Wald interval
    and its method. One place, so every mart that publishes an NPS publishes the same columns
    computed the same way. -#}
{% macro nps_figures(promoters, passives, detractors, z) -%}
    {{ nps_score(promoters, passives, detractors) }} as nps,
    {{ nps_standard_error(promoters, passives, detractors) }} as se,
    {{ adjusted_wald_nps_ci(promoters, passives, detractors, z, 'lower') }} as ci_low,
    {{ adjusted_wald_nps_ci(promoters, passives, detractors, z, 'upper') }} as ci_high,
    cast({{ z }} as double) as ci_z,
    'adjusted_wald' as ci_method
{%- endmacro %}
