"""CDNOW end to end: a real shop's transaction log through the whole pipeline with default settings.

The log (23,570 customers who first bought in 1997-01 .. 1997-03, 69,659 purchases to
1998-06-30) is read from the installed `lifetimes` wheel and converted to the landing contract
as a user would (tests/cdnow.py: one one_time USD invoice line per purchase, constant stand-ins
for the CRM attributes, header-only files for the entities CDNOW lacks). Every setting is its
default but the reporting currency, USD: the data is in dollars and delivers no FX rates. So the
as-of date is derived from the data (1998-06-30), the CLV window is the 12 complete months
before it (1997-06 .. 1998-05) and a buyer lapses 6 months after the latest order.

Each figure is checked against an independent pandas computation from the raw log (the helpers
below), not from the warehouse:

- repeat_purchase_overall / _by_segment: customers with an order (a line with a positive
  amount), repeat customers (>= 2 orders), repeat rate and its Wilson interval, orders, net
  revenue over the whole history, the Kaplan-Meier median days to the second order (a
  product-limit estimate written here) and the repeaters' median, the longest follow-up;
- purchase_cohorts: every cohort x month's buyers, orders, net revenue and retention;
- clv_by_segment, billing_model one_time: customers active in the window, active buyer-months,
  net revenue and orders in the window, ARPU = revenue / buyer-months, lapses and the monthly
  lapse rate, lifetime 1 / rate, the CLV before costs ARPU x lifetime and its gross-margin value
  (x 0.8); the CLV after CAC + CRC is null, with its reasons (no spend, no service costs).

The pipeline runs once per module, on one xdist worker (group "cdnow"): about 70 s of
`dg.materialize` on 2 cores (the data set has no responses, so translation and tagging are quick).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from tests.cdnow import read_cdnow, write_cdnow_landing
from tests.pipeline_run import materialize
from tests.shared_builds import record_build

pytestmark = pytest.mark.xdist_group("cdnow")

AS_OF = pd.Timestamp("1998-06-30")
WINDOW = (pd.Timestamp("1997-06-01"), pd.Timestamp("1998-06-01"))
DAYS_PER_MONTH = 30.4375
LAPSE_MONTHS = 6
GROSS_MARGIN = 0.8
Z = 1.96


@dataclass(frozen=True)
class CdnowRun:
    data_dir: Path
    result: dg.ExecuteInProcessResult
    log: pd.DataFrame  # the raw log, amounts as numbers


@pytest.fixture(scope="module")
def cdnow(request, tmp_path_factory, dbt_manifest, tagger) -> CdnowRun:
    data_dir = tmp_path_factory.mktemp("cdnow")
    log = read_cdnow()
    write_cdnow_landing(data_dir / "landing", log)
    with record_build(request.config, "cdnow pipeline"), pytest.MonkeyPatch.context() as mp:
        # defaults: no CXLINK_* setting of the caller's environment may leak in
        for name in [n for n in os.environ if n.startswith("CXLINK_")]:
            mp.delenv(name)
        mp.setenv("CXLINK_REPORTING_CURRENCY", "USD")
        mp.setenv("CXLINK_TAGGER_DIR", str(tagger.directory))
        # the figures are checked even when a check fails; test_pipeline_succeeds says which
        result = materialize(data_dir, raise_on_error=False)
    log = log.assign(amount=log["dollar_value"].astype(float))
    return CdnowRun(data_dir, result, log)


def table(run: CdnowRun, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


# --- the hand computation ---------------------------------------------------------------------


def buyers(log: pd.DataFrame) -> pd.DataFrame:
    """Per customer with an order: first and second order dates, orders, net revenue."""
    orders = log[log["amount"] > 0].sort_values(["customer_id", "date"], kind="stable")
    per = orders.groupby("customer_id")["date"]
    frame = pd.DataFrame(
        {
            "first": per.min(),
            "last": per.max(),
            "second": per.nth(1).set_axis(orders.groupby("customer_id").nth(1)["customer_id"]),
            "orders": per.size(),
        }
    )
    frame["net_revenue"] = log.groupby("customer_id")["amount"].sum()
    return frame


def kaplan_meier_median(durations: pd.Series, events: pd.Series) -> float | None:
    """Smallest event time t with S(t) <= 0.5; at risk at t: durations >= t."""
    survival = 1.0
    for t in sorted(durations[events].unique()):
        at_risk = int((durations >= t).sum())
        deaths = int(((durations == t) & events).sum())
        survival *= 1 - deaths / at_risk
        if survival <= 0.5:
            return float(t)
    return None


def wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


# --- the tests ----------------------------------------------------------------------------------


def test_pipeline_succeeds(cdnow: CdnowRun):
    failed_checks = [
        e.check_name for e in cdnow.result.get_asset_check_evaluations() if not e.passed
    ]
    failed_steps = [e.step_key for e in cdnow.result.get_step_failure_events()]
    assert (failed_steps, failed_checks) == ([], [])
    assert cdnow.result.success


def test_as_of_date_is_the_last_purchase(cdnow: CdnowRun):
    as_of = table(cdnow, "select as_of_date from intermediate.int_calendar__as_of_dates")
    assert pd.Timestamp(as_of["as_of_date"].item()) == AS_OF == cdnow.log["date"].max()


def test_repeat_purchase_overall_matches_pandas(cdnow: CdnowRun):
    b = buyers(cdnow.log)
    repeat = b["second"].notna()
    durations = ((b["second"].fillna(AS_OF)) - b["first"]).dt.days
    repeat_days = (b["second"] - b["first"]).dt.days[repeat].sort_values()
    row = table(cdnow, "select * from marts.repeat_purchase_overall").iloc[0]

    assert row["customers"] == len(b) == 23_502  # 68 customers bought only for $0
    assert row["repeat_customers"] == repeat.sum()
    assert row["repeat_rate"] == pytest.approx(repeat.mean())
    low, high = wilson(int(repeat.sum()), len(b))
    assert (row["repeat_rate_ci_low"], row["repeat_rate_ci_high"]) == pytest.approx((low, high))
    assert row["orders"] == b["orders"].sum() == (cdnow.log["amount"] > 0).sum()
    assert float(row["net_revenue"]) == pytest.approx(cdnow.log["amount"].sum(), abs=0.005)
    assert row["net_revenue_per_customer"] == pytest.approx(cdnow.log["amount"].sum() / len(b))
    assert row["currency"] == "USD"
    assert row["median_days_to_second_order"] == kaplan_meier_median(durations, repeat)
    # the lower median of the repeaters' observed days
    assert (
        row["median_days_to_second_order_repeaters"]
        == repeat_days.iloc[(len(repeat_days) - 1) // 2]
    )
    assert row["max_follow_up_days"] == (AS_OF - b["first"].min()).days == 545


def test_repeat_purchase_by_segment_is_the_one_segment(cdnow: CdnowRun):
    by_segment = table(cdnow, "select * from marts.repeat_purchase_by_segment")
    overall = table(cdnow, "select * from marts.repeat_purchase_overall")
    assert by_segment["segment"].tolist() == ["consumer"]
    columns = [c for c in overall.columns]
    assert by_segment[columns].iloc[0].to_dict() == overall.iloc[0].to_dict()


def test_purchase_cohorts_match_pandas(cdnow: CdnowRun):
    b = buyers(cdnow.log)
    log = cdnow.log.join(b["first"], on="customer_id", how="inner")
    log["cohort"] = log["first"].dt.to_period("M")
    log["k"] = (log["date"].dt.to_period("M") - log["cohort"]).apply(lambda d: d.n)
    sizes = b["first"].dt.to_period("M").value_counts()
    orders = log[log["amount"] > 0]
    expected = pd.DataFrame(
        {
            "customers_buying": orders.groupby(["cohort", "k"])["customer_id"].nunique(),
            "orders": orders.groupby(["cohort", "k"]).size(),
            "net_revenue": log.groupby(["cohort", "k"])["amount"].sum(),
        }
    ).fillna(0)
    got = table(cdnow, "select * from marts.purchase_cohorts")
    got["cohort"] = pd.to_datetime(got["cohort_month"]).dt.to_period("M")
    got = got.set_index(["cohort", "months_since_first_order"])
    # every cohort followed to the as-of month: 1997-01 .. 03 (18 + 17 + 16 months) and
    # 1997-11, the 2 customers whose Q1 purchases were all $0 and whose first order came then
    as_of_month = AS_OF.to_period("M")
    spine = {(c, k) for c in sizes.index for k in range((as_of_month - c).n + 1)}
    assert set(got.index) == spine
    assert sorted(sizes.index.astype(str)) == ["1997-01", "1997-02", "1997-03", "1997-11"]
    for (cohort, k), row in got.iterrows():
        want = (
            expected.loc[(cohort, k)]
            if (cohort, k) in expected.index
            else pd.Series({"customers_buying": 0, "orders": 0, "net_revenue": 0.0})
        )
        assert row["cohort_customers"] == sizes[cohort]
        assert (row["customers_buying"], row["orders"]) == (
            want["customers_buying"],
            want["orders"],
        ), (cohort, k)
        assert float(row["net_revenue"]) == pytest.approx(want["net_revenue"], abs=0.005)
        assert row["retention"] == pytest.approx(want["customers_buying"] / sizes[cohort])


def test_clv_by_segment_one_time_matches_pandas(cdnow: CdnowRun):
    b = buyers(cdnow.log)
    start, end = WINDOW
    lapse = b["last"] + pd.DateOffset(months=LAPSE_MONTHS)
    active_until = lapse.where(lapse < AS_OF, AS_OF)
    window_days = (
        active_until.where(active_until < end, end) - b["first"].where(b["first"] > start, start)
    ).dt.days.clip(lower=0)
    in_window = window_days > 0
    exposure = window_days[in_window].sum() / DAYS_PER_MONTH
    month_in_window = (cdnow.log["date"] >= start) & (cdnow.log["date"] < end)
    revenue = cdnow.log.loc[month_in_window, "amount"].sum()
    orders = (month_in_window & (cdnow.log["amount"] > 0)).sum()
    lapses = ((lapse >= start) & (lapse < end) & (lapse <= AS_OF)).sum()
    rate = lapses / exposure
    arpu = revenue / exposure

    clv = table(cdnow, "select * from marts.clv_by_segment where billing_model = 'one_time'")
    assert len(clv) == 1, "clv_by_segment has no one_time row"
    row = clv.iloc[0]
    assert row["segment"] == "consumer" and row["currency"] == "USD"
    assert pd.Timestamp(row["window_start_month"]) == start
    assert row["customers"] == in_window.sum()
    assert row["customer_months"] == pytest.approx(exposure)
    assert float(row["net_revenue"]) == pytest.approx(revenue, abs=0.005)
    assert row["orders"] == orders
    assert row["arpu"] == pytest.approx(arpu)
    assert row["churned"] == lapses
    assert row["monthly_churn"] == pytest.approx(rate)
    assert row["lifetime_months"] == pytest.approx(1 / rate)
    # CDNOW has no marketing spend or service costs: the CLV before costs and its gross-margin
    # value are published, the CLV after CAC + CRC is null with its reasons
    assert row["clv_before_costs"] == pytest.approx(arpu / rate)
    assert row["gross_margin_value"] == pytest.approx(arpu * GROSS_MARGIN / rate)
    assert pd.isna(row["clv"]) and pd.isna(row["cac"])
    assert row["cac_null_reason"] == "no_spend_in_window"
    assert row["crc_null_reason"] == "no_service_costs_in_window"


def test_repeat_purchase_marts_are_published(cdnow: CdnowRun):
    # the BI copy, whose tables BI tools read as marts.<name>
    con = duckdb.connect(str(cdnow.data_dir / "cxlink_bi.duckdb"), read_only=True)
    try:
        published = {
            name: con.execute(f"select count(*) from {schema}.{name}").fetchone()[0]
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    finally:
        con.close()
    assert published["repeat_purchase_overall"] == 1
    assert published["repeat_purchase_by_segment"] == 1
    # 18 + 17 + 16 cohort months of the Q1 1997 cohorts and 8 of the 1997-11 one (see
    # test_purchase_cohorts_match_pandas)
    assert published["purchase_cohorts"] == 59


# --- predictive CLV (BG/NBD + Gamma-Gamma; docs/metrics.md "Predictive CLV and churn drivers") --

CALIBRATION_END = pd.Timestamp("1997-09-30")  # default 39 hold-out weeks: FHL's split


def purchase_days(log: pd.DataFrame) -> pd.DataFrame:
    """Per customer and day with an order: the day's amount (orders are lines with amount > 0)."""
    orders = log[log["amount"] > 0]
    return orders.groupby(["customer_id", "date"], as_index=False)["amount"].sum()


def test_predicted_clv_model_is_the_fit_of_the_log(cdnow: CdnowRun):
    from cxlink.predictive import bgnbd
    from cxlink.predictive.summary import purchase_summaries

    days = purchase_days(cdnow.log)
    first = days.groupby("customer_id")["date"].min()
    calibration = first[first <= CALIBRATION_END].index
    holdout = days[days["customer_id"].isin(calibration) & (days["date"] > CALIBRATION_END)]
    model = table(cdnow, "select * from marts.clv_predicted_model").set_index("fit")
    cal, full = model.loc["calibration"], model.loc["full_history"]
    # the 2 customers whose first order came in 1997-11 are in the full history only
    assert (
        (cal["customers"], full["customers"]) == (len(calibration), len(first)) == (23_500, 23_502)
    )
    assert cal["holdout_weeks"] == 39 and pd.Timestamp(cal["period_end_date"]) == CALIBRATION_END
    assert cal["holdout_actual_purchases"] == len(holdout)
    # the parameters are lifetimes' fit of the summaries of the raw log
    orders = cdnow.log.rename(columns={"date": "order_date"})
    summary = purchase_summaries(orders[orders["amount"] > 0], CALIBRATION_END, AS_OF)
    mine = summary[summary["in_calibration"]]
    fit = bgnbd.fit(mine["frequency_cal"], mine["recency_cal_weeks"], mine["age_cal_weeks"], 30)
    for name, value in fit.params.items():
        assert cal[name] == pytest.approx(value, rel=1e-6), name
    assert cal["bg_nbd_log_likelihood"] == pytest.approx(fit.log_likelihood, rel=1e-9)
    predicted = bgnbd.expected_purchases(
        fit.params, 39, mine["frequency_cal"], mine["recency_cal_weeks"], mine["age_cal_weeks"]
    )
    assert cal["holdout_predicted_purchases"] == pytest.approx(predicted.sum(), rel=1e-6)
    errors = (predicted - mine["holdout_purchases"].astype(float)).abs()
    assert cal["holdout_mae"] == pytest.approx(errors.mean(), rel=1e-6)
    # Gamma-Gamma is fitted too, and its independence assumption is reported
    assert (model["gamma_gamma_status"] == "fitted").all()
    assert cal["gamma_gamma_customers"] == cal["repeat_buyers"] == (mine["frequency_cal"] > 0).sum()
    assert abs(cal["frequency_value_correlation"]) < 0.2


def test_predicted_clv_per_customer_and_validation(cdnow: CdnowRun):
    customers = table(cdnow, "select * from marts.clv_predicted_customers")
    assert len(customers) == 23_502 and customers["customer_id"].is_unique
    assert customers["prediction_null_reason"].isna().all()
    assert customers["value_null_reason"].isna().all()
    assert ((customers["p_alive"] > 0) & (customers["p_alive"] <= 1)).all()
    assert (customers["currency"] == "USD").all() and (
        customers["prediction_horizon_months"] == 12
    ).all()
    # a customer without a repeat purchase has P(alive) 1 under BG/NBD
    assert (customers.loc[customers["frequency"] == 0, "p_alive"] == 1).all()
    buckets = table(cdnow, "select * from marts.clv_predicted_validation order by bucket_order")
    model = table(cdnow, "select * from marts.clv_predicted_model where fit = 'calibration'")
    assert buckets["customers"].sum() == model["customers"].item()
    assert buckets["actual_purchases"].sum() == model["holdout_actual_purchases"].item()
    assert buckets["predicted_purchases"].sum() == pytest.approx(
        model["holdout_predicted_purchases"].item()
    )
