{#-
    Statistics: every standard error, confidence interval and test statistic the models use,
    whatever the metric (docs/metrics.md "Survey metrics" for the NPS ones, "CSAT and CES" for
    the mean scores, "Text feedback" for the topic tests, "Linking NPS to retention and
    revenue" for retention rates).
    The rule: a macro that says how uncertain an estimate is (a standard error, an interval
    bound, a z statistic or its tail probability) lives here; a macro that defines a metric
    itself (NPS category, points and score: nps.sql; MRR movements: revenue.sql) lives with
    its metric. nps.sql's `nps_figures` composes the NPS score with the NPS standard error and
    interval below.
-#}

{#- ---- Standard errors and intervals of the NPS ---- -#}

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

{#- Adjusted Wald interval for the NPS (docs/metrics.md "Survey metrics"): add 0.75 detractor,
    1.5 passive and 0.75 promoter pseudo-counts (n + 3), then the Wald interval on the adjusted
    proportions, centred on the adjusted NPS and clipped to [-100, 100]:
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

{#- ---- Intervals of an estimate and of a proportion ---- -#}

{#- An interval bound that is null whenever its estimate (or the unclipped bound) is, clipped
    to [floor, ceiling] where given (none: that side unclipped). DuckDB's greatest / least skip
    nulls, so greatest(0.0, null) reads 0.0: a plain clip publishes a bound with nothing to
    bound. Every clipped bound goes through here; the generic test bounds_null_with_estimate
    checks the rule on every published interval. -#}
{% macro clipped_bound(estimate, bound, floor=none, ceiling=none) -%}
    {%- set clipped = '(' ~ bound ~ ')' -%}
    {%- if floor is not none -%}
        {%- set clipped = 'greatest(' ~ floor ~ ', ' ~ clipped ~ ')' -%}
    {%- endif -%}
    {%- if ceiling is not none -%}
        {%- set clipped = 'least(' ~ ceiling ~ ', ' ~ clipped ~ ')' -%}
    {%- endif -%}
    case
        when {{ estimate }} is not null and ({{ bound }}) is not null
            then cast({{ clipped }} as double)
    end
{%- endmacro %}

{#- Symmetric Wald bound estimate -/+ z * se; null when either is null. -#}
{% macro wald_bound(estimate, se, z, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wald_bound: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    cast({{ estimate }} {{ '-' if bound == 'lower' else '+' }} cast({{ z }} as double) * {{ se }} as double)
{%- endmacro %}

{#-
    Wilson score interval for a binomial proportion (Wilson 1927), used for retention rates
    and topic shares:
        centre    = (p + z^2 / (2n)) / (1 + z^2 / n)
        halfwidth = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
    with p = successes / n. It stays inside [0, 1] and always contains p; at p = 0 (p = 1) the
    lower (upper) bound is exactly 0 (1), not a rounding error away. `bound` is 'lower' or
    'upper'; null when n = 0.
-#}
{% macro wilson_interval(successes, n, z, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wilson_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set z_value -%}cast({{ z }} as double){%- endset -%}
    {%- set p -%}(1.0 * {{ successes }} / {{ n }}){%- endset -%}
    case
        when {{ n }} is null or {{ n }} <= 0 then null
        {%- if bound == 'lower' %}
        when {{ successes }} = 0 then 0.0
        {%- else %}
        when {{ successes }} = {{ n }} then 1.0
        {%- endif %}
        else cast((
            ({{ p }} + {{ z_value }} * {{ z_value }} / (2.0 * {{ n }}))
            {{ '-' if bound == 'lower' else '+' }} {{ z_value }} * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ n }}
                + {{ z_value }} * {{ z_value }} / (4.0 * {{ n }} * {{ n }})
            )
        ) / (1 + {{ z_value }} * {{ z_value }} / {{ n }}) as double)
    end
{%- endmacro %}

{#-
    Effective number of observations of a proportion whose variance accounts for clustering
    (e.g. several responses of one customer), for the Wilson interval of clustered data
    (Korn & Graubard 1998): n_eff = p (1 - p) / Var(p), the n whose binomial variance equals
    the clustered one, capped at n (a design effect below 1 is taken as 1, so the interval is
    never narrower than Wilson's on n independent observations). Where p is 0 or 1 the
    clustered variance is 0 and says nothing about the design effect: n_eff = n there (Korn &
    Graubard's convention), likewise where the variance is 0 by chance. Null when n <= 0 or p
    or the variance is null. Use: wilson_interval('p * n_eff', 'n_eff', z, bound) (at p = 0 or
    1 that is exactly 0 or n_eff successes, so the exact bounds 0 and 1 hold); the published SE
    stays the clustered one.
-#}
{% macro clustered_effective_n(share, variance, n) -%}
    case
        when {{ n }} is null or {{ n }} <= 0 or ({{ share }}) is null then null
        when ({{ share }}) <= 0 or ({{ share }}) >= 1 then cast({{ n }} as double)
        when ({{ variance }}) is null then null
        when ({{ variance }}) <= 0 then cast({{ n }} as double)
        else least(
            cast({{ n }} as double),
            ({{ share }}) * (1 - ({{ share }})) / ({{ variance }})
        )
    end
{%- endmacro %}

{#- ---- Spread of a mean score ---- -#}

{#- Sample standard deviation of scores from integer sums (n, sum x, sum x^2), formed from
    counts so that exact inputs give exact outputs:
        s = sqrt((n * sum x^2 - (sum x)^2) / (n (n - 1))); null below 2 answers. -#}
{% macro sample_standard_deviation(n, total, square_total) -%}
    case
        when {{ n }} >= 2
            then sqrt(
                cast({{ n }} * {{ square_total }} - {{ total }} * {{ total }} as double)
                / (cast({{ n }} as double) * ({{ n }} - 1))
            )
    end
{%- endmacro %}

{#- Standard error of a mean score, s / sqrt(n)
    = sqrt((n * sum x^2 - (sum x)^2) / (n^2 (n - 1))); null below 2 answers. -#}
{% macro mean_standard_error(n, total, square_total) -%}
    case
        when {{ n }} >= 2
            then sqrt(
                cast({{ n }} * {{ square_total }} - {{ total }} * {{ total }} as double)
                / (cast({{ n }} as double) * {{ n }} * ({{ n }} - 1))
            )
    end
{%- endmacro %}

{#- ---- Tests ---- -#}

{#- Upper tail of the standard normal distribution, P(Z >= z) = erfc(z / sqrt(2)) / 2.
    erfc is the Chebyshev fit of Numerical Recipes (`erfcc`, Press et al. 1992, 6.2): fractional
    error below 1.2e-7 everywhere, so small p-values keep their relative accuracy. DuckDB has
    no erf/erfc. Null in, null out. -#}
{% macro normal_upper_tail(z) -%}
    {%- set x -%}(cast({{ z }} as double) / sqrt(2.0)){%- endset -%}
    {%- set t -%}(1.0 / (1.0 + 0.5 * abs({{ x }}))){%- endset -%}
    {%- set tail -%}
        ({{ t }} * exp(
            -{{ x }} * {{ x }} - 1.26551223 + {{ t }} * (1.00002368 + {{ t }} * (0.37409196
            + {{ t }} * (0.09678418 + {{ t }} * (-0.18628806 + {{ t }} * (0.27886807
            + {{ t }} * (-1.13520398 + {{ t }} * (1.48851587 + {{ t }} * (-0.82215223
            + {{ t }} * 0.17087277))))))))
        ))
    {%- endset -%}
    cast(
        0.5 * case when {{ x }} >= 0 then {{ tail }} else 2.0 - {{ tail }} end
        as double
    )
{%- endmacro %}

{#- Pooled two-proportion z statistic of a difference of shares p1 - p0 with sizes n1 and n0
    and pooled share p = (x1 + x0) / (n1 + n0):
        z = difference / sqrt(p (1 - p) (1 / n1 + 1 / n0)).
    The caller passes the difference (or its absolute value, for a two-sided test) and decides
    when the test applies (0 < p < 1, large enough n). -#}
{% macro pooled_two_proportion_z(difference, pooled_share, n1, n0) -%}
    {{ difference }} / sqrt(
        {{ pooled_share }} * (1 - {{ pooled_share }})
        * (1.0 / {{ n1 }} + 1.0 / {{ n0 }})
    )
{%- endmacro %}

{#- ---- Intervals of positive model parameters (docs/metrics.md "Predictive CLV and churn
    drivers") ---- -#}

{#- Wald interval on the log scale of a positive estimate: estimate * exp(-/+ z * se), se the
    standard error of log(estimate) (the BG/NBD and Gamma-Gamma parameters, fitted on the log
    scale; a Cox hazard ratio exp(beta) with se = SE(beta)). Stays positive; null with either
    input. -#}
{% macro log_scale_bound(estimate, log_se, z, bound) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("log_scale_bound: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    cast(
        {{ estimate }} * exp({{ '-' if bound == 'lower' else '' }}cast({{ z }} as double) * {{ log_se }})
        as double
    )
{%- endmacro %}
