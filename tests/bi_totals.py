"""The true totals a BI tool's `sum()` over a published mart must reproduce, computed from the
staging and billing data without the marts' SQL (tests/test_bi_sums.py).

Each query returns one row per period (`period_key`; the constant 0 for a table without one)
with one column per measure. They re-derive what the marts count from the inputs: responses from
`stg_surveys__responses`, activity and MRR from the converted subscription periods (a customer is
active on day X when a period covers it, `period_start <= X < period_end`), spend from the
converted marketing spend, revenue from the converted invoices, the as-of date, the CLV window
and the linkage dates from `int_calendar__as_of_dates` / `int_finance__measurement_windows`.
"""

from __future__ import annotations

# ---- building blocks -----------------------------------------------------------------------

NPS = """
    nps as (
        select customer_id, response_date, response_month, score,
               case when score >= 9 then 'promoter' when score >= 7 then 'passive'
                    else 'detractor' end as category
        from staging.stg_surveys__responses
        where survey_type = 'nps' and score between 0 and 10
    ),
    as_of as (select as_of_date from intermediate.int_calendar__as_of_dates)
"""

PERIODS = """
    periods as (
        select customer_id, subscription_id, period_start_date as starts, period_end_date as ends,
               mrr_reporting as mrr
        from intermediate.int_billing__subscription_periods_converted
    )
"""


def active_on(day: str, customer: str = "customer_id") -> str:
    """True when one of the customer's subscription periods covers `day`."""
    return (
        f"exists (select 1 from periods p where p.customer_id = {customer}"
        f" and p.starts <= {day} and (p.ends is null or p.ends > {day}))"
    )


def mrr_on(day: str, customer: str = "customer_id") -> str:
    return (
        f"(select coalesce(sum(p.mrr), 0) from periods p where p.customer_id = {customer}"
        f" and p.starts <= {day} and (p.ends is null or p.ends > {day}))"
    )


# Every customer x month of mrr_monthly's range, with the month-end snapshot MRR and activity.
GRID = f"""
    {PERIODS},
    as_of as (select as_of_date from intermediate.int_calendar__as_of_dates),
    months as (select distinct month from marts.mrr_monthly),
    snapshots as (
        select month, least(cast(month + interval 1 month - interval 1 day as date),
                            (select as_of_date from as_of)) as snapshot
        from months
    ),
    grid as (
        select c.customer_id, s.month, s.snapshot,
               coalesce(sum(p.mrr), 0) as mrr,
               count(p.customer_id) > 0 as active,
               count(distinct p.subscription_id) as subscriptions
        from (select distinct customer_id from periods) as c
        cross join snapshots as s
        left join periods as p
            on p.customer_id = c.customer_id and p.starts <= s.snapshot
            and (p.ends is null or p.ends > s.snapshot)
        group by c.customer_id, s.month, s.snapshot
    ),
    series as (
        select *,
               coalesce(lag(mrr) over w, 0) as previous_mrr,
               coalesce(lag(active) over w, false) as was_active,
               coalesce(bool_or(active) over (
                   partition by customer_id order by month
                   rows between unbounded preceding and 1 preceding), false) as ever_active
        from grid
        window w as (partition by customer_id order by month)
    ),
    moved as (
        select *,
               case
                   when active and not ever_active then 'new'
                   when not active and was_active then 'churn'
                   when active and not was_active then 'reactivation'
                   when active and mrr > previous_mrr then 'expansion'
                   when active and mrr < previous_mrr then 'contraction'
               end as movement
        from series
    )
"""

# ---- the truths per family -------------------------------------------------------------------

NPS_MONTHLY = f"""
    with {NPS}
    select response_month as period_key, count(*) as responses,
           count(*) filter (where category = 'promoter') as promoters,
           count(*) filter (where category = 'passive') as passives,
           count(*) filter (where category = 'detractor') as detractors
    from nps group by response_month
"""

NPS_OVERALL = f"""
    with {NPS},
    windows (period, months) as (
        values ('all_time', null), ('last_12_months', 12), ('last_3_months', 3)
    )
    select w.period as period_key, count(nps.score) as responses,
           count(nps.score) filter (where category = 'promoter') as promoters,
           count(nps.score) filter (where category = 'passive') as passives,
           count(nps.score) filter (where category = 'detractor') as detractors
    from windows w cross join as_of
    left join nps on nps.response_date <= as_of.as_of_date
        and (w.months is null
             or nps.response_date > as_of.as_of_date - to_months(cast(w.months as integer)))
    group by w.period
"""

# one observation per customer and response month: the latest response of the month
NPS_RETENTION = f"""
    with {NPS}, {PERIODS},
    latest as (
        select customer_id, response_month, max(response_date) as response_date
        from nps group by customer_id, response_month
    ),
    horizons as (
        select l.*, h.k, cast(l.response_date + to_months(h.k) as date) as horizon_date
        from latest l cross join (values (3), (6), (12)) as h (k)
    ),
    judged as (
        select response_month, k, horizon_date <= (select as_of_date from as_of) as observed,
               {active_on("horizon_date", "horizons.customer_id")} as retained
        from horizons
    )
    select response_month as period_key,
           count(*) filter (where k = 3) as customers,
           {
    ", ".join(
        f"count(*) filter (where k = {k} and observed) as customers_observed_{k}m, "
        f"case when count(*) filter (where k = {k} and observed) > 0 then "
        f"count(*) filter (where k = {k} and observed and retained) end as retained_{k}m"
        for k in (3, 6, 12)
    )
}
    from judged group by response_month
"""

NPS_RETENTION_SUMMARY = f"""
    with {NPS}, {PERIODS},
    judged as (
        select h.k, {active_on("cast(nps.response_date + to_months(h.k) as date)", "nps.customer_id")}
                   as retained
        from nps cross join (values (3), (6), (12)) as h (k)
        where cast(nps.response_date + to_months(h.k) as date) <= (select as_of_date from as_of)
    )
    select k as period_key, count(*) as responses, count(*) filter (where retained) as retained
    from judged group by k
"""

MRR = f"""
    with {GRID}
    select month as period_key,
           sum(mrr) as mrr, sum(previous_mrr) as previous_mrr,
           sum(mrr - previous_mrr) filter (where active or was_active) as movement_amount,
           sum(subscriptions) as active_subscriptions,
           sum(previous_mrr) as mrr_start,
           coalesce(sum(mrr) filter (where movement = 'new'), 0) as new,
           coalesce(sum(mrr - previous_mrr) filter (where movement = 'expansion'), 0) as expansion,
           coalesce(sum(previous_mrr - mrr) filter (where movement = 'contraction'), 0)
               as contraction,
           coalesce(sum(previous_mrr) filter (where movement = 'churn'), 0) as churn,
           coalesce(sum(mrr) filter (where movement = 'reactivation'), 0) as reactivation,
           sum(mrr) as mrr_end,
           count(*) filter (where was_active) as customers_start,
           count(*) filter (where movement = 'new') as customers_new,
           count(*) filter (where movement = 'reactivation') as customers_reactivated,
           count(*) filter (where movement = 'churn') as customers_churned,
           count(*) filter (where active) as customers_end,
           count(*) filter (where active) as customers_active
    from moved group by month
"""

RETENTION_12M = f"""
    with {GRID}
    select now.month as period_key,
           count(*) as customers_base,
           count(*) filter (where now.active) as customers_retained,
           sum(base.mrr) as mrr_base,
           sum(case when now.active then now.mrr else 0 end) as mrr_current,
           sum(least(case when now.active then now.mrr else 0 end, base.mrr))
               as mrr_current_capped
    from grid as base
    inner join grid as now
        on now.customer_id = base.customer_id and now.month = base.month + interval 12 month
    where base.active
    group by now.month
"""

# new customers: the month of the first subscription period, else of the first invoice; spend:
# the converted spend of month - lag (the lag read from the mart's own column)
CAC = """
    with firsts as (
        select c.customer_id,
               coalesce(
                   (select cast(date_trunc('month', min(p.period_start_date)) as date)
                    from intermediate.int_billing__subscription_periods_converted p
                    where p.customer_id = c.customer_id),
                   (select min(i.invoice_month) from intermediate.int_billing__invoices_converted i
                    where i.customer_id = c.customer_id)) as month
        from staging.stg_crm__customers c
    ),
    lag as (select coalesce(max(cac_lag_months), 0) as months from marts.cac_total),
    spend as (
        select cast(spend_month + to_months((select months from lag)) as date) as month,
               sum(spend_reporting) as spend
        from intermediate.int_billing__marketing_spend_converted group by 1
    ),
    acquired as (select month, count(*) as new_customers from firsts where month is not null
                 group by month)
    select coalesce(a.month, s.month) as period_key, coalesce(a.new_customers, 0) as new_customers,
           s.spend
    from acquired a full outer join spend s on a.month = s.month
"""

# The subscription customer-months of the CLV window [window_start_month, window_end_month):
# active in the month (a period overlaps it), at risk (active on its first day), churned (at risk
# and not active on the next month's first day), the month's net invoiced revenue, and whether
# the customer had answered an NPS survey before the month began (the month has a category).
WINDOW_MONTHS = (
    """    w as (select * from intermediate.int_finance__measurement_windows),
    months as (
        select cast(range as date) as month_start,
               cast(range + interval 1 month as date) as next_start
        from range((select window_start_month from w), (select window_end_month from w),
                   interval 1 month)
    ),
    subscribers as (select distinct customer_id from periods),
    revenue as (
        select customer_id, invoice_month, sum(amount_reporting) as amount
        from intermediate.int_billing__invoices_converted group by customer_id, invoice_month
    ),
    sub_months as (
        select s.customer_id, m.month_start,
               exists (select 1 from periods p where p.customer_id = s.customer_id
                       and p.starts < m.next_start
                       and (p.ends is null or p.ends > m.month_start)) as active_in_month,
               """
    + active_on("m.month_start", "s.customer_id")
    + """ as at_start,
               """
    + active_on("m.next_start", "s.customer_id")
    + """ as at_next_start,
               coalesce(r.amount, 0) as amount,
               exists (select 1 from nps n where n.customer_id = s.customer_id
                       and n.response_date < m.month_start) as answered
        from subscribers s cross join months m
        left join revenue r on r.customer_id = s.customer_id and r.invoice_month = m.month_start
    ),
    sub_customers as (
        select customer_id from sub_months group by customer_id having bool_or(active_in_month)
    )
"""
)

# The CLV window's subscription customers (WINDOW_MONTHS) and one-time buyers (no subscription
# period, a one_time invoice line): active from the first order to one_time_lapse_months after the
# last one (the lapse) or the as-of date.
CLV = f"""
    with {NPS}, {PERIODS},
    {WINDOW_MONTHS},
    subscription as (
        select count(distinct sm.customer_id) filter (where sm.active_in_month) as customers,
               count(*) filter (where sm.active_in_month) as customer_months,
               sum(sm.amount) as net_revenue,
               count(*) filter (where sm.at_start) as at_risk_months,
               count(*) filter (where sm.at_start and not sm.at_next_start) as churned,
               cast(null as bigint) as orders
        from sub_months sm inner join sub_customers using (customer_id)
    ),
    one_time_lines as (
        select i.* from intermediate.int_billing__invoices_converted i
        where i.customer_id not in (select customer_id from subscribers)
          and i.customer_id in (select customer_id from intermediate.int_billing__invoices_converted
                                where line_type = 'one_time')
    ),
    buyers as (
        select customer_id,
               min(issued_date) filter (where line_type = 'one_time' and amount > 0) as first_order,
               cast(max(issued_date) filter (where line_type = 'one_time' and amount > 0)
                    + to_months((select one_time_lapse_months from w)) as date) as lapse_date
        from one_time_lines group by customer_id
    ),
    buyer_spans as (
        select b.customer_id,
               greatest(b.first_order, (select window_start_month from w)) as span_start,
               least(b.lapse_date, (select as_of_date from w), (select window_end_month from w))
                   as span_end,
               b.lapse_date >= (select window_start_month from w)
               and b.lapse_date < (select window_end_month from w)
               and b.lapse_date <= (select as_of_date from w) as lapsed_in_window
        from buyers b
    ),
    one_time as (
        select count(*) filter (where span_end > span_start) as customers,
               sum(greatest(datediff('day', span_start, span_end), 0)) / 30.4375
                   as customer_months,
               (select sum(amount_reporting) from one_time_lines
                where issued_date >= (select window_start_month from w)
                  and issued_date < (select window_end_month from w)) as net_revenue,
               cast(null as bigint) as at_risk_months,
               count(*) filter (where lapsed_in_window) as churned,
               (select count(*) from one_time_lines
                where line_type = 'one_time' and amount > 0
                  and issued_date >= (select window_start_month from w)
                  and issued_date < (select window_end_month from w)) as orders
        from buyer_spans
    )
    select 0 as period_key, s.customers + o.customers as customers,
           s.customer_months + o.customer_months as customer_months,
           s.net_revenue + o.net_revenue as net_revenue, s.at_risk_months, s.churned + o.churned
           as churned, o.orders
    from subscription s cross join one_time o
"""

# Current accounts: active on the as-of date, ARR = 12 x MRR then, by the latest NPS response
# after the cohort date; the cohort: active on the cohort date with a response on or before it,
# churned = not active on the horizon date, MRR on both days; the window's customer-months with
# an NPS category (WINDOW_MONTHS).
LINKAGE = f"""
    with {NPS}, {PERIODS},
    {WINDOW_MONTHS},
    accounts as (
        select c.customer_id, 12 * {mrr_on("(select as_of_date from w)", "c.customer_id")} as arr,
               (select n.category from nps n where n.customer_id = c.customer_id
                and n.response_date > (select cohort_date from w)
                and n.response_date <= (select as_of_date from w)
                order by n.response_date desc limit 1) as category
        from staging.stg_crm__customers c
        where {active_on("(select as_of_date from w)", "c.customer_id")}
    ),
    cohort as (
        select c.customer_id,
               not {active_on("(select cohort_horizon_date from w)", "c.customer_id")} as churned,
               {mrr_on("(select cohort_date from w)", "c.customer_id")} as mrr_start,
               {mrr_on("(select cohort_horizon_date from w)", "c.customer_id")} as mrr_end
        from staging.stg_crm__customers c
        where {active_on("(select cohort_date from w)", "c.customer_id")}
          and exists (select 1 from nps n where n.customer_id = c.customer_id
                      and n.response_date <= (select cohort_date from w))
    ),
    period_responses as (
        select * from nps where response_date > (select cohort_date from w)
        and response_date <= (select as_of_date from w)
    )
    select 0 as period_key,
           (select count(*) from accounts) as customers,
           (select sum(arr) from accounts) as arr,
           (select count(*) from accounts) as segment_customers,
           (select sum(arr) from accounts) as segment_arr,
           (select count(*) from accounts where category is not null) as answered_customers,
           (select sum(arr) from accounts where category is not null) as answered_arr,
           (select sum(arr) from accounts where category = 'detractor') as detractor_arr,
           (select count(*) from cohort) as cohort_customers,
           (select count(*) from cohort where churned) as cohort_churned,
           (select sum(mrr_start) from cohort) as cohort_mrr_start,
           (select sum(mrr_end) from cohort) as cohort_mrr_end,
           -- the NPS variants count the accounts active on the as-of date (issue 14, item 11)
           (select count(*) from period_responses
            where customer_id in (select customer_id from accounts)) as responses,
           (select count(*) from accounts where category is not null) as accounts_answered,
           (select count(distinct customer_id) from period_responses)
               as accounts_answered_incl_inactive,
           (select count(*) from sub_months inner join sub_customers using (customer_id)
            where answered and active_in_month) as customer_months,
           (select count(*) from sub_months inner join sub_customers using (customer_id)
            where answered and at_start) as at_risk_months,
           (select count(*) from sub_months inner join sub_customers using (customer_id)
            where answered and at_start and not at_next_start) as churned_months
"""

# One-time buyers (no subscription period, a one_time line, at least one one_time line with a
# positive amount on or before the as-of date): their lines up to the as-of date, per buyer.
ONE_TIME_BUYERS = """
    as_of as (select as_of_date from intermediate.int_calendar__as_of_dates),
    one_time_lines as (
        select i.customer_id, i.issued_date, i.invoice_month, i.amount_reporting,
               i.line_type = 'one_time' and i.amount > 0 as is_order
        from intermediate.int_billing__invoices_converted i
        where i.customer_id not in (select customer_id from staging.stg_billing__subscriptions)
          and i.customer_id in (select customer_id from intermediate.int_billing__invoices_converted
                                where line_type = 'one_time')
          and i.issued_date <= (select as_of_date from as_of)
    ),
    per_buyer as (
        select customer_id,
               cast(date_trunc('month', min(issued_date) filter (where is_order)) as date)
                   as cohort_month,
               count(*) filter (where is_order) as orders,
               sum(amount_reporting) as net_revenue
        from one_time_lines group by customer_id
        having count(*) filter (where is_order) > 0
    )
"""

REPEAT_PURCHASE = f"""
    with {ONE_TIME_BUYERS}
    select 0 as period_key, count(*) as customers,
           count(*) filter (where orders >= 2) as repeat_customers,
           sum(orders) as orders, sum(net_revenue) as net_revenue
    from per_buyer
"""

# Per calendar month: buyers with an order, orders, and every line of a buyer from its first
# order's month on (a credit before it has no cohort month).
PURCHASE_COHORTS = f"""
    with {ONE_TIME_BUYERS}
    select l.invoice_month as period_key,
           count(distinct l.customer_id) filter (where l.is_order) as customers_buying,
           count(*) filter (where l.is_order) as orders,
           sum(l.amount_reporting) as net_revenue
    from one_time_lines l inner join per_buyer b using (customer_id)
    where l.invoice_month >= b.cohort_month
    group by l.invoice_month
"""


# ---- CSAT and CES (default bands: CSAT 4-5 / 3 / 1-2; CES with 7 = easy: 5-7 / 4 / 1-3) ------


def _scores(survey_type: str, low: tuple[str, str, str]) -> str:
    """Answers of one survey type with their band (`low` names the bands of the low, middle and
    high scores in that order), and the as-of date."""
    top = {"csat": 4, "ces": 5}[survey_type]
    middle = {"csat": 3, "ces": 4}[survey_type]
    return f"""
    answers as (
        select customer_id, response_date, response_month,
               case when score >= {top} then '{low[2]}' when score = {middle} then '{low[1]}'
                    else '{low[0]}' end as band
        from staging.stg_surveys__responses
        where survey_type = '{survey_type}'
    ),
    as_of as (select as_of_date from intermediate.int_calendar__as_of_dates)
"""


CSAT_BANDS = ("dissatisfied", "neutral", "satisfied")
CES_BANDS = ("high_effort", "neutral", "low_effort")


def _band_counts(bands: tuple[str, str, str]) -> str:
    return ", ".join(f"count(*) filter (where band = '{b}') as {b}" for b in bands)


def score_monthly(survey_type: str, bands: tuple[str, str, str]) -> str:
    return f"""
    with {_scores(survey_type, bands)}
    select response_month as period_key, count(*) as responses, {_band_counts(bands)}
    from answers group by response_month
"""


def score_overall(survey_type: str, bands: tuple[str, str, str]) -> str:
    counts = ", ".join(f"count(answers.band) filter (where band = '{b}') as {b}" for b in bands)
    return f"""
    with {_scores(survey_type, bands)},
    windows (period, months) as (
        values ('all_time', null), ('last_12_months', 12), ('last_3_months', 3)
    )
    select w.period as period_key, count(answers.band) as responses, {counts}
    from windows w cross join as_of
    left join answers on answers.response_date <= as_of.as_of_date
        and (w.months is null
             or answers.response_date > as_of.as_of_date - to_months(cast(w.months as integer)))
    group by w.period
"""


def score_retention(survey_type: str, bands: tuple[str, str, str]) -> str:
    """Each customer's latest answer whose horizon has passed, once per horizon."""
    return f"""
    with {_scores(survey_type, bands)}, {PERIODS},
    horizons as (
        select a.customer_id, h.k, cast(a.response_date + to_months(h.k) as date) as horizon_date,
               row_number() over (
                   partition by a.customer_id, h.k order by a.response_date desc
               ) as latest
        from answers a cross join (values (3), (6), (12)) as h (k)
        where cast(a.response_date + to_months(h.k) as date) <= (select as_of_date from as_of)
    )
    select k as period_key, count(*) as customers,
           count(*) filter (where {active_on("horizon_date", "horizons.customer_id")}) as retained
    from horizons where latest = 1 group by k
"""


CSAT_MONTHLY = score_monthly("csat", CSAT_BANDS)
CSAT_OVERALL = score_overall("csat", CSAT_BANDS)
CSAT_RETENTION = score_retention("csat", CSAT_BANDS)
CES_MONTHLY = score_monthly("ces", CES_BANDS)
CES_OVERALL = score_overall("ces", CES_BANDS)
CES_RETENTION = score_retention("ces", CES_BANDS)

# customer_health: every account active on a month's snapshot date, its ARR 12 x the MRR then
CUSTOMER_HEALTH = f"""
    with {GRID}
    select month as period_key, 12 * sum(mrr) as arr
    from grid where active group by month
"""
