{#- Every segment x NPS category cell of the linkage marts, with the rollup value 'all' on
    both, so that a cell without data still has its row (docs/metrics.md "Linking NPS to
    retention and revenue"): the categories promoter, passive, detractor, no_response (current
    accounts without an answer) and all. -#}

with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

segments as (

    select distinct segment from customers
    union
    select 'all' as segment

),

categories as (

    select category_values.nps_category
    from (
        values ('promoter'), ('passive'), ('detractor'), ('no_response'), ('all')
    ) as category_values (nps_category)

),

final as (

    select
        segments.segment,
        categories.nps_category
    from segments
    cross join categories

)

select * from final
