{#- Left-truncated histories (docs/metrics.md "Conventions shared by every mart", History
    start). The rules live here, once. -#}

{#- The declared history start (var history_starts_at, env CXLINK_HISTORY_STARTS_AT) as a SQL
    date literal, or none when it is empty. A malformed value fails the build. -#}
{% macro history_starts_at() -%}
    {%- set value = (var('history_starts_at', '') or '') | string | trim -%}
    {%- if value -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
            {{ exceptions.raise_compiler_error("history_starts_at / CXLINK_HISTORY_STARTS_AT must be YYYY-MM-DD, got '" ~ value ~ "'") }}
        {%- endif -%}
        {{ return("date '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- True for a customer whose first subscription period starts on or before the declared
    history start: already a customer when the history begins, so their real start (and their
    acquisition cohort) is unknown. Always false without a declared start. -#}
{% macro is_left_truncated(first_start_date) -%}
    {%- set start = history_starts_at() -%}
    {%- if start -%}
        ({{ first_start_date }} <= {{ start }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- The first calendar month observed whole: the month of the declared history start when it
    starts on the 1st, else the month after; null without a declared start. Churn and
    retention windows count at-risk time only from this month on. -#}
{% macro first_observed_month() -%}
    {%- set start = history_starts_at() -%}
    {%- if start -%}
        cast(date_trunc('month', {{ start }} - interval 1 day) + interval 1 month as date)
    {%- else -%}
        cast(null as date)
    {%- endif -%}
{%- endmacro %}

{#- The share of subscription customers whose first period starts in the first month of the
    subscription data from which the history is flagged as probably left-truncated (a snapshot
    or a migration: most customers "start" the day the data start). -#}
{% macro left_truncation_share() -%}
    {{ return(0.5) }}
{%- endmacro %}
