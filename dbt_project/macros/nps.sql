{#-
    NPS formulas (shared/domain.md, "Survey metrics"; R package NPS, brendan-r/NPS R/nps.R).
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

{#- Standard error of the NPS: 100 * sqrt(V / n), V = p + d - (p - d)^2.
    Written as 100 * sqrt(((P + D) * n - (P - D)^2) / n^3) with counts P, D and n. -#}
{% macro nps_standard_error(promoters, passives, detractors) -%}
    {%- set n -%}({{ promoters }} + {{ passives }} + {{ detractors }}){%- endset -%}
    cast(
        100.0 * sqrt(
            (({{ promoters }} + {{ detractors }}) * {{ n }}
                - ({{ promoters }} - {{ detractors }}) * ({{ promoters }} - {{ detractors }}))
            / nullif(cast({{ n }} as double) * {{ n }} * {{ n }}, 0)
        )
        as double
    )
{%- endmacro %}

{#- Adjusted Wald interval for the NPS (domain.md): add 0.75 detractor, 1.5 passive and 0.75
    promoter pseudo-counts (n + 3), then the Wald interval on the adjusted proportions,
    centred on the adjusted NPS and clipped to [-100, 100]:
        p' = (P + 0.75) / (n + 3), d' = (D + 0.75) / (n + 3), V' = p' + d' - (p' - d')^2
        bound = 100 * ((p' - d') -/+ z * sqrt(V' / (n + 3)))
    `bound` is 'lower' or 'upper'. Null when there are no responses. -#}
{% macro adjusted_wald_nps_ci(promoters, passives, detractors, z, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("adjusted_wald_nps_ci: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set z_value -%}cast({{ z }} as double){%- endset -%}
    {%- set n_adj -%}({{ promoters }} + {{ passives }} + {{ detractors }} + 3.0){%- endset -%}
    {%- set p_adj -%}(({{ promoters }} + 0.75) / {{ n_adj }}){%- endset -%}
    {%- set d_adj -%}(({{ detractors }} + 0.75) / {{ n_adj }}){%- endset -%}
    case
        when {{ promoters }} + {{ passives }} + {{ detractors }} > 0
            then cast(greatest(-100.0, least(100.0, 100.0 * (
                ({{ p_adj }} - {{ d_adj }})
                {{ '-' if bound == 'lower' else '+' }} {{ z_value }} * sqrt(
                    ({{ p_adj }} + {{ d_adj }} - ({{ p_adj }} - {{ d_adj }}) * ({{ p_adj }} - {{ d_adj }}))
                    / {{ n_adj }}
                )
            ))) as double)
    end
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
