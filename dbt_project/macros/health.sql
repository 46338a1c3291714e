{#-
    The customer health score (docs/metrics.md "Customer health and closing the loop", Health
    score): how each indicator's raw value becomes s in [0, 1] (1 = healthy), the weighted score
    and the bands. The one home of these formulas: int_health__indicator_values normalises,
    int_health__configured_scores and int_health__learned_scores score. A change to a scale
    here changes the scores: bump FORMULA_REVISION in cxlink/health/config.py so that
    score_version changes with it.
-#}

{#- The indicators, in the marts' order (cxlink/health/config.py INDICATORS holds the same list;
    tests/health/test_config.py keeps them equal). -#}
{% macro health_indicators() -%}
    {{ return([
        'nps_category', 'nps_change', 'comment_sentiment', 'tickets_per_user', 'urgent_tickets',
        'usage_trend', 'seat_utilisation', 'payment_problems', 'tenure',
    ]) }}
{%- endmacro %}

{#- The learned score's churn horizon N in months (var health_churn_horizon_months, env
    CXLINK_HEALTH_CHURN_HORIZON_MONTHS, default 3). -#}
{% macro health_churn_horizon_months() -%}
    {{ return(finance_months_var('health_churn_horizon_months', '3')) }}
{%- endmacro %}

{#- The time split's validation months (var health_validation_months, default 12). -#}
{% macro health_validation_months() -%}
    {{ return(finance_months_var('health_validation_months', '12')) }}
{%- endmacro %}

{#- s clipped to [0, 1]; null in, null out (greatest / least skip nulls: the guard keeps a null
    a null). -#}
{% macro unit_clip(expression) -%}
    case
        when ({{ expression }}) is not null
            then cast(greatest(0.0, least(1.0, {{ expression }})) as double)
    end
{%- endmacro %}

{#- NPS category: promoter 1, passive 0.5, detractor 0, from the respondent's points
    (+1 / 0 / -1): s = (points + 1) / 2. -#}
{% macro health_nps_category_scale(points) -%}
    cast(({{ points }} + 1) / 2.0 as double)
{%- endmacro %}

{#- NPS change: the drop in points from the answer before (an increase is no drop): none 1, one
    category 0.5, two 0: s = 1 + min(change, 0) / 2; null without an answer before (DuckDB's
    least skips nulls, hence the guard). -#}
{% macro health_nps_change_scale(change) -%}
    case
        when {{ change }} is not null then cast(1.0 + least({{ change }}, 0) / 2.0 as double)
    end
{%- endmacro %}

{#- Comment sentiment in [-1, 1] to [0, 1]: s = (sentiment + 1) / 2. -#}
{% macro health_sentiment_scale(sentiment) -%}
    {{ unit_clip('(' ~ sentiment ~ ' + 1) / 2.0') }}
{%- endmacro %}

{#- A count or rate where more is worse: 1 at 0, falling linearly to 0 at `zero_at`:
    s = clip(1 - value / zero_at). -#}
{% macro health_fewer_is_better(value, zero_at) -%}
    {{ unit_clip('1.0 - (' ~ value ~ ') / ' ~ zero_at) }}
{%- endmacro %}

{#- Usage trend, the relative change r = recent / baseline - 1 of the weekly key events: no
    decline (r >= 0) is 1, a decline of `decline_zero_at` or more is 0:
    s = clip(1 + min(r, 0) / decline_zero_at). -#}
{% macro health_usage_trend_scale(change, decline_zero_at) -%}
    case
        when {{ change }} is not null
            then {{ unit_clip('1.0 + least(' ~ change ~ ', 0) / ' ~ decline_zero_at) }}
    end
{%- endmacro %}

{#- Seat utilisation u = active users / seats: s = min(1, u / full_at). -#}
{% macro health_seat_utilisation_scale(utilisation, full_at) -%}
    {{ unit_clip('(' ~ utilisation ~ ') / ' ~ full_at) }}
{%- endmacro %}

{#- Tenure: months since the account's first subscription / onboarding_months, at most 1 (1 for
    every account when onboarding_months is 0). -#}
{% macro health_tenure_scale(tenure_months, onboarding_months) -%}
    case
        when {{ onboarding_months }} = 0 then 1.0
        else {{ unit_clip(tenure_months ~ ' / ' ~ onboarding_months) }}
    end
{%- endmacro %}

{#- The weighted score of one account-month, an aggregate over its indicator rows:
    100 x sum(w s) / sum(w) over the indicators present (s not null), so the weights are
    renormalised over them; null when no weighted indicator is present. Clipped to [0, 100]:
    summed in floating point, sum(w s) may exceed sum(w) by a rounding error when every s is 1
    (100.00000000000001 on the demo). -#}
{% macro health_weighted_score(weight, score) -%}
    {%- set score_value -%}
        100.0 * sum({{ weight }} * {{ score }}) filter (where {{ score }} is not null)
        / nullif(sum({{ weight }}) filter (where {{ score }} is not null), 0)
    {%- endset -%}
    case
        when ({{ score_value }}) is not null
            then cast(greatest(0.0, least(100.0, {{ score_value }})) as double)
    end
{%- endmacro %}

{#- The band of a 0-100 score: green >= green_min, red < red_below, yellow between; null for a
    null score. -#}
{% macro health_band(score, green_min, red_below) -%}
    case
        when {{ score }} is null then null
        when {{ score }} >= {{ green_min }} then 'green'
        when {{ score }} < {{ red_below }} then 'red'
        else 'yellow'
    end
{%- endmacro %}

{#- The (up to) three indicators with the largest weighted shortfall w (1 - s), largest first
    (ties in the marts' indicator order), comma-separated; an aggregate over the indicator rows.
    Indicators without a shortfall are not listed; null when none has one. -#}
{% macro health_top_shortfalls(indicator, weight, score, indicator_order) -%}
    nullif(array_to_string(list_slice(
        list(
            {{ indicator }}
            order by {{ weight }} * (1 - {{ score }}) desc, {{ indicator_order }} asc
        ) filter (where {{ score }} is not null and {{ weight }} * (1 - {{ score }}) > 0),
        1, 3
    ), ', '), '')
{%- endmacro %}

{#- The learned score's churn probability of one account-month, an aggregate over its indicator
    rows joined to marts.health_score_learned_weights: 1 / (1 + exp(-(b0 + sum c_i x_i))) over
    the indicators in the model, x_i = s_i or, where missing, the fit-set mean. Null when the
    model was not fitted. -#}
{% macro health_learned_probability(intercept, coefficient, score, imputation, is_in_model) -%}
    cast(
        1.0 / (1.0 + exp(-(
            any_value({{ intercept }})
            + coalesce(sum(
                {{ coefficient }} * coalesce({{ score }}, {{ imputation }})
            ) filter (where {{ is_in_model }}), 0)
        )))
        as double
    )
{%- endmacro %}
