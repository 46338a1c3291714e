-- Activity spells of one customer never overlap or touch: each spell starts strictly after
-- the previous one ends, and only the last one may be ongoing.
with

spells as (

    select * from {{ ref('int_revenue__activity_spells') }}

),

consecutive as (

    select
        customer_id,
        spell_number,
        spell_start_date,
        lag(spell_end_date) over (
            partition by customer_id order by spell_number
        ) as previous_spell_end_date,
        lag(is_ongoing) over (
            partition by customer_id order by spell_number
        ) as is_previous_ongoing
    from spells

)

select * from consecutive
where
    is_previous_ongoing
    or spell_start_date <= previous_spell_end_date
