{#- A published total is the sum of its detail table (docs/metrics.md "Conventions shared by every
    mart": one grain per table, totals in their own tables): grouped by `keys` (none: the whole
    table), every column of `measures` equals the sum of the detail's column of the same name (or
    the one `detail_columns` maps it to), within `tolerance` relative for doubles; a key present on
    one side only fails too. `detail` is a relation, e.g. "ref('nps_monthly')". -#}
{% test rollup_of(model, detail, measures, keys=[], detail_columns={}, tolerance=0) %}

with

published as (

    select
        {%- for key in keys %}
            {{ key }},
        {%- endfor %}
        {%- for measure in measures %}
            {{ measure }} as published_{{ measure }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

summed as (

    select
        {%- for key in keys %}
            {{ key }},
        {%- endfor %}
        {%- for measure in measures %}
            sum({{ detail_columns.get(measure, measure) }}) as detail_{{ measure }}
            {{- "," if not loop.last }}
        {%- endfor %}
    from {{ detail }}
    {%- if keys %}
        group by {{ keys | join(', ') }}
    {%- endif %}

)

select *
from published
{%- if keys %}
    full outer join summed using ({{ keys | join(', ') }})
{%- else %}
    full outer join summed on true
{%- endif %}
where
    {%- for measure in measures %}
        {%- if tolerance %}
            coalesce(
                abs(published_{{ measure }} - detail_{{ measure }})
                > {{ tolerance }} * greatest(1, abs(detail_{{ measure }})),
                (published_{{ measure }} is null) <> (detail_{{ measure }} is null)
            )
        {%- else %}
            published_{{ measure }} is distinct from detail_{{ measure }}
        {%- endif %}
        {%- if not loop.last %} or{% endif %}
    {%- endfor %}

{% endtest %}
