{#-
    Kaplan-Meier survival and the restricted mean survival time (shared/domain.md "Linking NPS
    to retention and revenue": RMST(t) = integral of S(tau) from 0 to t, "expected months
    retained" within t).

    kaplan_meier_rmst(relation, group_columns, time_column, event_column, horizon) is a full
    select statement (use it as a CTE body) with one row per group of `relation`:
        observations, events (with time <= horizon counted in events_before_horizon),
        survival_at_horizon  S(horizon), product-limit estimator S(t) = prod over event times
                             t_j <= t of (1 - d_j / n_j) (n_j at risk: time >= t_j; d_j events
                             at t_j; a censored time ties after the events at it),
        survival_se          Greenwood: S(t) * sqrt(sum d_j / (n_j (n_j - d_j))),
        rmst                 integral of S from 0 to the horizon (a step function: exact sum of
                             rectangles),
        rmst_se              sqrt(sum over event times t_j <= horizon of
                             A_j^2 d_j / (n_j (n_j - d_j))), A_j = integral of S from t_j to the
                             horizon (Klein & Moeschberger 2003, 4.5; Greenwood-type),
        max_follow_up        the longest observed time.
    Times and the horizon share one unit (the finance models use days). A step where every
    subject at risk has the event (d_j = n_j) drops S to 0; its Greenwood term is 0 (A_j = 0).
-#}
{% macro kaplan_meier_rmst(relation, group_columns, time_column, event_column, horizon) -%}
    {%- set groups = group_columns | join(', ') -%}
    {%- set horizon_value -%}cast({{ horizon }} as double){%- endset -%}
    select
        totals.*,
        coalesce(steps.survival_at_horizon, 1.0) as survival_at_horizon,
        coalesce(steps.survival_at_horizon, 1.0)
        * sqrt(coalesce(steps.greenwood_sum, 0.0)) as survival_se,
        -- before the first event S = 1
        least(coalesce(steps.first_event_time, {{ horizon_value }}), {{ horizon_value }})
        + coalesce(steps.area_after_events, 0.0) as rmst,
        sqrt(coalesce(steps.rmst_variance, 0.0)) as rmst_se
    from (
        select
            {{ groups }},
            count(*) as observations,
            count(*) filter (where {{ event_column }}) as events,
            count(*) filter (
                where {{ event_column }} and {{ time_column }} <= {{ horizon_value }}
            ) as events_before_horizon,
            cast(max({{ time_column }}) as double) as max_follow_up
        from {{ relation }}
        group by {{ groups }}
    ) as totals
    left join (
        select
            {{ groups }},
            min(event_time) as first_event_time,
            -- S is non-increasing: its value after the last event time <= horizon
            min(survival) as survival_at_horizon,
            max(greenwood_sum) as greenwood_sum,
            sum(area_after) as area_after_events,
            sum(
                case
                    when at_risk > deaths
                        then area_to_horizon * area_to_horizon * deaths
                        / (cast(at_risk as double) * (at_risk - deaths))
                    else 0.0
                end
            ) as rmst_variance
        from (
            select
                *,
                -- A_j: integral of S from t_j to the horizon
                sum(area_after) over (
                    partition by {{ groups }}
                    order by event_time desc
                    rows between unbounded preceding and current row
                ) as area_to_horizon
            from (
                select
                    *,
                    survival * (
                        least(
                            coalesce(
                                lead(event_time) over (
                                    partition by {{ groups }} order by event_time
                                ),
                                {{ horizon_value }}
                            ),
                            {{ horizon_value }}
                        ) - event_time
                    ) as area_after
                from (
                    select
                        *,
                        case
                            when max(cast(deaths = at_risk as integer)) over cumulative = 1
                                then 0.0
                            else exp(sum(
                                case
                                    when deaths < at_risk
                                        then ln(1.0 - cast(deaths as double) / at_risk)
                                    else 0.0
                                end
                            ) over cumulative)
                        end as survival,
                        sum(
                            case
                                when deaths < at_risk
                                    then deaths / (cast(at_risk as double) * (at_risk - deaths))
                                else 0.0
                            end
                        ) over cumulative as greenwood_sum
                    from (
                        select
                            {{ groups }},
                            event_time,
                            deaths,
                            -- at risk at t: observations with time >= t
                            observations_total - coalesce(sum(leaving) over (
                                partition by {{ groups }}
                                order by event_time
                                rows between unbounded preceding and 1 preceding
                            ), 0) as at_risk
                        from (
                            select
                                {{ groups }},
                                cast({{ time_column }} as double) as event_time,
                                count(*) filter (where {{ event_column }}) as deaths,
                                count(*) as leaving,
                                sum(count(*)) over (partition by {{ groups }})
                                    as observations_total
                            from {{ relation }}
                            group by {{ groups }}, cast({{ time_column }} as double)
                        ) as by_time
                    ) as at_risk_by_time
                    where deaths > 0 and event_time <= {{ horizon_value }}
                    window cumulative as (
                        partition by {{ groups }}
                        order by event_time
                        rows between unbounded preceding and current row
                    )
                ) as survival_steps
            ) as areas
        ) as tails
        group by {{ groups }}
    ) as steps
        on
        {%- for column in group_columns %}
            {{ 'and ' if not loop.first }}totals.{{ column }} = steps.{{ column }}
        {%- endfor %}
{%- endmacro %}
