{#- Kaplan-Meier retention and the restricted mean survival time RMST(t) = integral of S from 0
    to t, the "expected months retained" within var rmst_horizon_months, per CLV cell x NPS
    group of int_finance__cell_lifetimes (docs/metrics.md "CLV and CAC"). Product-limit
    S(t) = prod over event times t_j <= t of (1 - d_j / n_j) (n_j at risk: duration >= t_j; a
    censored duration ties after the events at it); Greenwood SE S(t) sqrt(sum d_j / (n_j
    (n_j - d_j))); RMST = exact sum of the rectangles under the step function; its SE
    sqrt(sum over t_j <= horizon of A_j^2 d_j / (n_j (n_j - d_j))), A_j = integral of S from
    t_j to the horizon (Klein & Moeschberger 2003, 4.5). A step where everyone at risk has the
    event drops S to 0 and adds 0 to both variance sums. The horizon is capped at the cell's
    longest lifetime (ended or censored), past which S is unobserved. Months = days / 30.4375. -#}
{%- set dpm = days_per_month() -%}
{%- set rmst_months = finance_months_var('rmst_horizon_months', 36) -%}
{%- set horizon = 'cast(' ~ rmst_months ~ ' * ' ~ dpm ~ ' as double)' -%}
{%- set capped = 'least(' ~ horizon ~ ', totals.max_follow_up)' -%}
{%- set cell_keys = ['billing_model', 'segment', 'plan_tier', 'acquisition_channel'] -%}

-- the loops below generate whole CTEs: they are not an indent level
-- sqlfluff:indentation:template_blocks_indent:False
with
{% for group in ['all', 'categories'] %}
{#- The NPS group 'all' and the categories are estimated separately (one template, two
    instances), 'all' partitioned by the cell alone: window sums of doubles then add in the
    same order whatever the other groups hold, so its figures keep their exact last digits. -#}
{%- set cell = (cell_keys + ([] if group == 'all' else ['nps_category'])) | join(', ') %}
cell_lifetimes_{{ group }} as (

    select {{ cell }}, duration_days, is_event
    from {{ ref('int_finance__cell_lifetimes') }}
    where (nps_category = 'all') = {{ group == 'all' }}

),

totals_{{ group }} as (

    select
        {{ cell }},
        count(*) as observations,
        count(*) filter (where is_event) as events,
        cast(max(duration_days) as double) as max_follow_up
    from cell_lifetimes_{{ group }}
    group by {{ cell }}

),

by_time_{{ group }} as (

    select
        {{ cell }},
        cast(duration_days as double) as event_time,
        count(*) filter (where is_event) as deaths,
        count(*) as leaving,
        sum(count(*)) over (partition by {{ cell }}) as observations_total,
        least(
            {{ horizon }}, max(cast(duration_days as double)) over (partition by {{ cell }})
        ) as horizon_days
    from cell_lifetimes_{{ group }}
    group by {{ cell }}, cast(duration_days as double)

),

at_risk_by_time_{{ group }} as (

    select
        {{ cell }},
        event_time,
        deaths,
        horizon_days,
        -- at risk at t: durations >= t
        observations_total - coalesce(sum(leaving) over (
            partition by {{ cell }}
            order by event_time
            rows between unbounded preceding and 1 preceding
        ), 0) as at_risk
    from by_time_{{ group }}

),

survival_steps_{{ group }} as (

    select
        *,
        case
            when max(cast(deaths = at_risk as integer)) over cumulative = 1 then 0.0
            else exp(sum(
                case
                    when deaths < at_risk then ln(1.0 - cast(deaths as double) / at_risk)
                    else 0.0
                end
            ) over cumulative)
        end as survival,
        sum(
            case
                when deaths < at_risk then deaths / (cast(at_risk as double) * (at_risk - deaths))
                else 0.0
            end
        ) over cumulative as greenwood_sum
    from at_risk_by_time_{{ group }}
    where deaths > 0 and event_time <= horizon_days
    window cumulative as (
        partition by {{ cell }}
        order by event_time
        rows between unbounded preceding and current row
    )

),

areas_{{ group }} as (

    select
        *,
        survival * (
            least(
                coalesce(
                    lead(event_time) over (partition by {{ cell }} order by event_time),
                    horizon_days
                ),
                horizon_days
            ) - event_time
        ) as area_after
    from survival_steps_{{ group }}

),

tails_{{ group }} as (

    select
        *,
        -- A_j: integral of S from t_j to the horizon
        sum(area_after) over (
            partition by {{ cell }}
            order by event_time desc
            rows between unbounded preceding and current row
        ) as area_to_horizon
    from areas_{{ group }}

),

steps_{{ group }} as (

    select
        {{ cell }},
        min(event_time) as first_event_time,
        -- S is non-increasing: its value after the last event time <= horizon
        min(survival) as survival_at_horizon,
        max(greenwood_sum) as greenwood_sum,
        sum(area_after) as area_after_events,
        sum(
            case
                when at_risk > deaths
                    then
                        area_to_horizon * area_to_horizon * deaths
                        / (cast(at_risk as double) * (at_risk - deaths))
                else 0.0
            end
        ) as rmst_variance
    from tails_{{ group }}
    group by {{ cell }}

),

estimates_{{ group }} as (

    select
        totals.billing_model,
        totals.segment,
        totals.plan_tier,
        totals.acquisition_channel,
        {{ "'all'" if group == 'all' else 'totals.nps_category' }} as nps_category,
        totals.observations as lifetimes_observed,
        totals.events as lifetime_events,
        {{ capped }} / {{ dpm }} as rmst_horizon_months,
        totals.max_follow_up < {{ horizon }} as rmst_horizon_capped,
        coalesce(steps.survival_at_horizon, 1.0) as survival_at_horizon,
        coalesce(steps.survival_at_horizon, 1.0)
        * sqrt(coalesce(steps.greenwood_sum, 0.0)) as survival_se,
        -- before the first event S = 1
        (
            least(coalesce(steps.first_event_time, {{ capped }}), {{ capped }})
            + coalesce(steps.area_after_events, 0.0)
        ) / {{ dpm }} as rmst_months,
        sqrt(coalesce(steps.rmst_variance, 0.0)) / {{ dpm }} as rmst_se_months,
        totals.max_follow_up / {{ dpm }} as max_follow_up_months
    from totals_{{ group }} as totals
    left join steps_{{ group }} as steps
        on
        {%- for key in cell.split(', ') %}
            {{ 'and ' if not loop.first }}totals.{{ key }} = steps.{{ key }}
        {%- endfor %}

),
{% endfor %}
final as (

    select * from estimates_all
    union all
    select * from estimates_categories

)

select * from final
