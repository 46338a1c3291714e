{#- The configured as-of date (var `as_of_date`, env CXLINK_AS_OF_DATE) as a SQL date literal,
    or none when it is empty and int_calendar__as_of_dates derives it from the data. A malformed value
    fails the build: it is cast, never guessed. -#}
{% macro configured_as_of_date() -%}
    {%- set value = (var('as_of_date', '') or '') | string | trim -%}
    {%- if value -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
            {{ exceptions.raise_compiler_error("as_of_date / CXLINK_AS_OF_DATE must be YYYY-MM-DD, got '" ~ value ~ "'") }}
        {%- endif -%}
        {{ return("date '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}
