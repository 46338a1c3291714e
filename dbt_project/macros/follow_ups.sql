{#- Closing the loop (docs/metrics.md "Follow-up rules"): the settings of the follow-up marts,
    validated when dbt compiles, and the formulas they share. -#}

{#- A whole-number var (a Settings value passed as text) >= minimum; stops the build with a
    message naming the var and its setting otherwise. -#}
{% macro follow_up_whole_var(name, default, minimum, setting) -%}
    {%- set raw = (var(name, default) | string | trim) -%}
    {%- if not modules.re.match('^[0-9]+$', raw) or (raw | int) < minimum -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " / " ~ setting ~ " must be a whole number >= " ~ minimum ~ ", got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return(raw | int) }}
{%- endmacro %}

{% macro follow_up_lookback_days() -%}
    {{ return(follow_up_whole_var('follow_up_lookback_days', 30, 1, 'CXLINK_FOLLOW_UP_LOOKBACK_DAYS')) }}
{%- endmacro %}

{% macro follow_up_min_arr() -%}
    {{ return(follow_up_whole_var('follow_up_min_arr', 10000, 0, 'CXLINK_FOLLOW_UP_MIN_ARR')) }}
{%- endmacro %}

{% macro urgent_ticket_hours() -%}
    {{ return(follow_up_whole_var('urgent_ticket_hours', 24, 1, 'CXLINK_URGENT_TICKET_HOURS')) }}
{%- endmacro %}

{#- The reasons of marts.account_follow_ups, in the order the docs list them, and the promoter
    ask of marts.promoter_asks: each has its days from trigger to due date (var
    follow_up_due_days, a mapping from these codes to whole days >= 0). -#}
{% macro follow_up_reason_codes() -%}
    {{ return(['new_detractor', 'promoter_dropped', 'red_health_high_arr', 'spike_topic', 'urgent_ticket_unanswered']) }}
{%- endmacro %}

{% macro follow_up_due_days(code) -%}
    {%- set defaults = {
        'new_detractor': 2, 'promoter_dropped': 5, 'red_health_high_arr': 7,
        'spike_topic': 5, 'urgent_ticket_unanswered': 1, 'promoter_ask': 7,
    } -%}
    {%- set configured = var('follow_up_due_days', {}) -%}
    {%- set raw = (configured.get(code, defaults[code]) | string | trim) -%}
    {%- if not modules.re.match('^[0-9]+$', raw) -%}
        {{ exceptions.raise_compiler_error("var follow_up_due_days." ~ code ~ " must be a whole number of days >= 0, got '" ~ raw ~ "'") }}
    {%- endif -%}
    {{ return(raw | int) }}
{%- endmacro %}

{#- The due date of a follow-up: its trigger date plus the reason's days (a SQL case over the
    reason code column). -#}
{% macro follow_up_due_date(reason_column, trigger_date_column) -%}
    cast({{ trigger_date_column }} + to_days(case {{ reason_column }}
        {%- for code in follow_up_reason_codes() %}
            when '{{ code }}' then {{ follow_up_due_days(code) }}
        {%- endfor %}
    end) as date)
{%- endmacro %}

{#- Free text (a survey comment) with every e-mail-shaped substring replaced: the BI copy refuses a
    table whose text holds one (cxlink/publish/personal_data.py, EMAIL_PATTERN: the same pattern,
    tests/follow_ups checks they agree). -#}
{% macro redact_emails(column) -%}
    regexp_replace(
        {{ column }},
        '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}',
        '[e-mail removed]',
        'g'
    )
{%- endmacro %}
