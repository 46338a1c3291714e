{#- A raw entity has no landing file that could not be read (landing.load_errors, written by the
    extract assets: docs/operations.md "What happens to a file"). Failing, it makes `dbt build`
    skip every model that depends on the entity, while the others still build. -#}
{% test no_unreadable_files(model) %}

select entity, origin, file_path, problem
from {{ api.Relation.create(database=model.database, schema='landing', identifier='load_errors') }}
where entity = '{{ model.identifier }}'

{% endtest %}
