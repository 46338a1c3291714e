{#- One row: where the run's NPS categories come from (int_surveys__nps_responses_categorized;
    docs/metrics.md "CSAT and CES"), the label the linkage marts publish as category_source:
    'nps', 'csat_mapped' (CSAT answers mapped by var csat_nps_mapping), 'nps_and_csat_mapped'
    (var csat_as_nps = 'always' with both kinds loaded) or 'none' (no answer to categorise). -#}
{%- set mapping = csat_nps_mapping() -%}
{%- set ranges = [
    [mapping.promoter_min, 5],
    [mapping.passive_min, mapping.promoter_min - 1],
    [1, mapping.passive_min - 1],
] -%}
{%- set ns = namespace(texts=[]) -%}
{%- for low, high in ranges -%}
    {%- do ns.texts.append(low ~ '' if low == high else low ~ '-' ~ high) -%}
{%- endfor -%}

with

categorized as (

    select * from {{ ref('int_surveys__nps_responses_categorized') }}

),

counted as (

    -- one row, also on an empty table
    select
        count(*) filter (where category_source = 'nps') as nps_responses,
        count(*) filter (where category_source = 'csat_mapped') as csat_mapped_responses
    from categorized

),

final as (

    select
        case
            when nps_responses > 0 and csat_mapped_responses > 0 then 'nps_and_csat_mapped'
            when nps_responses > 0 then 'nps'
            when csat_mapped_responses > 0 then 'csat_mapped'
            else 'none'
        end as category_source,
        nps_responses,
        csat_mapped_responses,
        '{{ csat_as_nps() }}' as csat_as_nps,
        '{{ ns.texts | join("/") }}' as csat_nps_mapping
    from counted

)

select * from final
