{#- One row: the path of the health score's configuration file, var health_score_config (env
    CXLINK_HEALTH_SCORE_CONFIG; empty: the shipped assets/health/health_score.yml), rendered
    here because a var set from an env_var reaches a Python model's config unrendered in a
    standalone dbt run. int_health__score_config reads it (docs/metrics.md "Customer health
    and closing the loop", Health score). -#}
{%- set path = (var('health_score_config', '') or '') | string | trim | replace("'", "''") -%}

with

final as (

    select
        cast(
            '{{ path }}' as varchar
        ) as config_path

)

select * from final
