{#-
    The CSAT and CES metrics themselves (docs/metrics.md "CSAT and CES"): bands, the CES
    direction, the CSAT-to-NPS-category mapping and the published figure sets. Their standard
    errors and intervals are statistics and live in statistics.sql (rule in its header).
    Settings (cxlink/settings): vars csat_as_nps, csat_nps_mapping, ces_easy_end.
-#}

{#- CSAT band of a 1-5 score: satisfied 4-5 (the CSAT share), neutral 3, dissatisfied 1-2. -#}
{% macro csat_band(score) -%}
    case
        when {{ score }} between 4 and 5 then 'satisfied'
        when {{ score }} = 3 then 'neutral'
        when {{ score }} between 1 and 2 then 'dissatisfied'
    end
{%- endmacro %}

{#- Which end of the 1-7 CES scale is easy (var ces_easy_end): 'high' (7 = easy: CES 2.0,
    agreement with "the company made it easy") or 'low' (1 = very low effort). -#}
{% macro ces_easy_end() -%}
    {%- set end = (var('ces_easy_end', 'high') | string | trim | lower) -%}
    {%- if end not in ('high', 'low') -%}
        {{ exceptions.raise_compiler_error("var ces_easy_end must be 'high' or 'low', got '" ~ end ~ "'") }}
    {%- endif -%}
    {{ return(end) }}
{%- endmacro %}

{#- CES band of a 1-7 score: low_effort = the three scores at the easy end (5-7 when 7 is easy,
    1-3 when 1 is easy), neutral 4, high_effort the three at the other end. -#}
{% macro ces_band(score) -%}
    {%- set easy = '5 and 7' if ces_easy_end() == 'high' else '1 and 3' -%}
    {%- set hard = '1 and 3' if ces_easy_end() == 'high' else '5 and 7' -%}
    case
        when {{ score }} between {{ easy }} then 'low_effort'
        when {{ score }} = 4 then 'neutral'
        when {{ score }} between {{ hard }} then 'high_effort'
    end
{%- endmacro %}

{#- When CSAT answers stand in for NPS in the NPS categories (var csat_as_nps): 'auto' (only
    when no NPS answer is loaded), 'always' (next to the NPS answers) or 'never'. -#}
{% macro csat_as_nps() -%}
    {%- set mode = (var('csat_as_nps', 'auto') | string | trim | lower) -%}
    {%- if mode not in ('auto', 'always', 'never') -%}
        {{ exceptions.raise_compiler_error("var csat_as_nps must be 'auto', 'always' or 'never', got '" ~ mode ~ "'") }}
    {%- endif -%}
    {{ return(mode) }}
{%- endmacro %}

{#- The lowest promoter and the lowest passive score of var csat_nps_mapping, written
    'promoter/passive/detractor' ranges from 5 down to 1 without gaps (default '5/4/1-3'; the
    same rule as cxlink/settings/parsers.py csat_nps_mapping). -#}
{% macro csat_nps_mapping() -%}
    {%- set raw = (var('csat_nps_mapping', '5/4/1-3') | string | trim) -%}
    {%- set score = '\\s*([1-5])(?:\\s*-\\s*([1-5]))?\\s*' -%}
    {%- set match = modules.re.fullmatch(score ~ '/' ~ score ~ '/' ~ score, raw) -%}
    {%- set ns = namespace(bounds=[], valid=match is not none) -%}
    {%- if match -%}
        {%- set groups = match.groups() -%}
        {%- for i in [0, 2, 4] -%}
            {%- set a = groups[i] | int -%}
            {%- set b = (groups[i + 1] or groups[i]) | int -%}
            {%- do ns.bounds.append([[a, b] | min, [a, b] | max]) -%}
        {%- endfor -%}
        {%- set ns.valid = ns.bounds[0][1] == 5 and ns.bounds[1][1] == ns.bounds[0][0] - 1
            and ns.bounds[2][1] == ns.bounds[1][0] - 1 and ns.bounds[2][0] == 1 -%}
    {%- endif -%}
    {%- if not ns.valid -%}
        {{ exceptions.raise_compiler_error("var csat_nps_mapping must be promoter/passive/detractor 1-5 scores from 5 down to 1, e.g. '5/4/1-3', got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return({'promoter_min': ns.bounds[0][0], 'passive_min': ns.bounds[1][0]}) }}
{%- endmacro %}

{#- NPS category of a 1-5 CSAT score under var csat_nps_mapping; null outside 1-5. -#}
{% macro csat_nps_category(score) -%}
    {%- set mapping = csat_nps_mapping() -%}
    case
        when {{ score }} between {{ mapping.promoter_min }} and 5 then 'promoter'
        when {{ score }} between {{ mapping.passive_min }} and 5 then 'passive'
        when {{ score }} between 1 and 5 then 'detractor'
    end
{%- endmacro %}

{#- Respondent score s_i of a mapped CSAT answer: +1 promoter, 0 passive, -1 detractor. -#}
{% macro csat_nps_points(score) -%}
    {%- set mapping = csat_nps_mapping() -%}
    case
        when {{ score }} between {{ mapping.promoter_min }} and 5 then 1
        when {{ score }} between {{ mapping.passive_min }} and 5 then 0
        when {{ score }} between 1 and 5 then -1
    end
{%- endmacro %}

{#- The published share set of a band: `<name>_share` = successes / n with its Wilson
    interval `<name>_ci_low`, `<name>_ci_high`; null when n = 0. -#}
{% macro share_figures(successes, n, name, z) -%}
    case when {{ n }} > 0 then cast({{ successes }} as double) / {{ n }} end as {{ name }}_share,
    {{ wilson_interval(successes, n, z, 'lower') }} as {{ name }}_ci_low,
    {{ wilson_interval(successes, n, z, 'upper') }} as {{ name }}_ci_high
{%- endmacro %}

{#- The published mean set of a score on a scale low..high from integer sums (n, sum of
    scores, sum of squared scores): mean_score, score_sd (sample), mean_se and the normal
    interval mean -/+ z * se clipped to the scale; sd, se and interval null below 2 answers. -#}
{% macro mean_score_figures(n, score_sum, score_square_sum, z, low, high) -%}
    {%- set mean -%}(cast({{ score_sum }} as double) / nullif({{ n }}, 0)){%- endset -%}
    {%- set se -%}{{ mean_standard_error(n, score_sum, score_square_sum) }}{%- endset -%}
    {{ mean }} as mean_score,
    {{ sample_standard_deviation(n, score_sum, score_square_sum) }} as score_sd,
    {{ se }} as mean_se,
    case
        when {{ se }} is not null
            then greatest({{ low }}.0, {{ wald_bound(mean, se, z, 'lower') }})
    end as mean_ci_low,
    case
        when {{ se }} is not null
            then least({{ high }}.0, {{ wald_bound(mean, se, z, 'upper') }})
    end as mean_ci_high
{%- endmacro %}
