"""The predictive-CLV marts through the extractor and `dbt build` (tests/warehouse.py).

Warehouse 1 (``fitted``): 600 one-time buyers simulated from a BG/NBD (seeded; first purchases
2023-01-01 .. 2023-06-29, purchase times rounded to days) with Gamma-Gamma spend, plus three
hand-made customers and two who are no buyers, as of 2024-06-30 with a 26-week hold-out (the
calibration ends 2024-06-30 - 182 days = 2023-12-31):

    K1  2023-03-01 40, 2023-03-01 10, 2023-05-10 30, 2024-02-01 20   x 2 (cal 1), same-day merged
    K2  2023-04-03 25                                                 x 0: P(alive) 1
    K3  2024-03-04 15 (first purchase in the hold-out)                not in the calibration fit
    X   a subscriber with a one_time line                              not a one-time buyer
    G   a one_time credit only                                         no order: not a buyer

Warehouse 2 (``too_few``): the repeat-purchase design of tests/finance/test_repeat_purchase.py
(6 buyers, 2 repeaters; 8-week hold-out): every model not fitted, with its reason, and no build error.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlink.predictive import bgnbd, gamma_gamma
from cxlink.predictive.summary import purchase_summaries
from tests.finance.test_repeat_purchase import landing_rows as repeat_purchase_rows
from tests.predictive.simulate import bgnbd_purchase_times, gamma_gamma_values
from tests.predictive.test_clv_models import fhl_expected
from tests.warehouse import build, query

AS_OF = pd.Timestamp("2024-06-30")
CALIBRATION_END = pd.Timestamp("2023-12-31")
HOLDOUT_WEEKS = 26
SELECT = (
    "+clv_predicted_customers +clv_predicted_model +clv_predicted_parameters "
    "+clv_predicted_validation"
)
ENV = {"CXLINK_AS_OF_DATE": "2024-06-30", "CXLINK_CLV_HOLDOUT_WEEKS": str(HOLDOUT_WEEKS)}
HAND = [
    ("K1", "2023-03-01", 40.0),
    ("K1", "2023-03-01", 10.0),
    ("K1", "2023-05-10", 30.0),
    ("K1", "2024-02-01", 20.0),
    ("K2", "2023-04-03", 25.0),
    ("K3", "2024-03-04", 15.0),
]


def simulated_lines(n: int = 600) -> list[tuple[str, str, float]]:
    rng = np.random.default_rng(7)
    first = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 180, n), unit="D")
    T = ((AS_OF - first).days / 7).to_numpy()
    times = bgnbd_purchase_times(rng, T, r=0.6, alpha=6.0, a=0.8, b=3.0)
    values = gamma_gamma_values(rng, np.array([len(t) + 1 for t in times]), 6.0, 4.0, 150.0)
    lines = []
    for i, (day, repeat, amounts) in enumerate(zip(first, times, values, strict=True)):
        days = [day, *(day + pd.Timedelta(days=round(7 * t)) for t in repeat)]
        for when, amount in zip(days, amounts, strict=True):
            if when <= AS_OF:
                lines.append((f"S{i:03d}", when.strftime("%Y-%m-%d"), round(float(amount), 2)))
    return lines


def landing(lines: list[tuple[str, str, float]]) -> dict[str, list[dict]]:
    buyers = sorted({c for c, _, _ in lines})
    customers = [
        {
            "customer_id": c,
            "signup_date": "2023-01-01",
            "segment": "mid" if c.startswith("S") and int(c[1:]) % 2 else "smb",
            "plan_tier": "none",
            "acquisition_channel": "organic",
            "country": "FI",
        }
        for c in [*buyers, "X", "G"]
    ]
    invoices = [
        {
            "invoice_id": f"i{i}",
            "customer_id": c,
            "subscription_id": "",
            "issued_at": f"{day}T09:00:00",
            "amount": amount,
            "currency": "EUR",
            "line_type": "one_time",
        }
        for i, (c, day, amount) in enumerate(lines)
    ]
    invoices += [
        {"invoice_id": "x1", "customer_id": "X", "subscription_id": "s-X",
         "issued_at": "2023-02-01T09:00:00", "amount": 100, "currency": "EUR", "line_type": "new"},
        {"invoice_id": "x2", "customer_id": "X", "subscription_id": "",
         "issued_at": "2023-03-01T09:00:00", "amount": 500, "currency": "EUR",
         "line_type": "one_time"},
        {"invoice_id": "g1", "customer_id": "G", "subscription_id": "",
         "issued_at": "2023-03-01T09:00:00", "amount": -10, "currency": "EUR",
         "line_type": "one_time"},
    ]  # fmt: skip
    subscriptions = [
        {"subscription_id": "s-X", "customer_id": "X", "plan_tier": "growth",
         "period_start": "2023-02-01", "period_end": "", "mrr": 100, "currency": "EUR"}
    ]  # fmt: skip
    return {"customers": customers, "subscriptions": subscriptions, "invoices": invoices}


@pytest.fixture(scope="module")
def lines() -> list[tuple[str, str, float]]:
    return HAND + simulated_lines()


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path, lines) -> Path:
    data_dir = tmp_path_factory.mktemp("clv_fitted")
    build(data_dir, landing(lines), env=ENV, select=SELECT)
    return data_dir


@pytest.fixture(scope="module")
def too_few(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Path:
    data_dir = tmp_path_factory.mktemp("clv_too_few")
    env = {**ENV, "CXLINK_CLV_HOLDOUT_WEEKS": "8"}  # calibration ends 2024-05-05
    build(data_dir, repeat_purchase_rows(), env=env, select=SELECT)
    return data_dir


def frame(data_dir: Path, sql: str) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def expected_summary(lines) -> pd.DataFrame:
    orders = pd.DataFrame(lines, columns=["customer_id", "order_date", "amount"])
    return purchase_summaries(orders, CALIBRATION_END, AS_OF).set_index("customer_id")


def test_summaries_are_the_one_time_orders(fitted: Path, expected_summary: pd.DataFrame):
    got = frame(fitted, "select * from intermediate.int_predictive__purchase_summaries")
    got = got.set_index("customer_id").sort_index()
    assert "X" not in got.index and "G" not in got.index
    assert list(got.index) == sorted(expected_summary.index)
    for column in ("frequency", "recency_weeks", "age_weeks", "monetary_value", "frequency_cal"):
        assert np.allclose(
            got[column].astype(float),
            expected_summary.loc[got.index, column].astype(float),
            equal_nan=True,
        ), column
    k1, k3 = got.loc["K1"], got.loc["K3"]
    # K1: purchase days 03-01 (50), 05-10 (30), 2024-02-01 (20): x 2, t_x 337 days, m 25
    assert (k1["frequency"], k1["frequency_cal"], k1["holdout_purchases"]) == (2, 1, 1)
    assert (k1["recency_weeks"], k1["monetary_value"]) == pytest.approx((337 / 7, 25.0))
    assert k1["age_cal_weeks"] == pytest.approx(305 / 7)  # 2023-03-01 .. 2023-12-31
    assert not k3["in_calibration"] and k3["age_weeks"] == pytest.approx(118 / 7)
    assert (got["calibration_end_date"] == CALIBRATION_END).all()


def test_model_rows_are_the_fits_of_the_summaries(fitted: Path, expected_summary):
    model = frame(fitted, "select * from marts.clv_predicted_model").set_index("fit")
    cal = expected_summary[expected_summary["in_calibration"]]
    fits = {
        "calibration": bgnbd.fit(
            cal["frequency_cal"], cal["recency_cal_weeks"], cal["age_cal_weeks"], 30
        ),
        "full_history": bgnbd.fit(
            expected_summary["frequency"], expected_summary["recency_weeks"],
            expected_summary["age_weeks"], 30,
        ),
    }  # fmt: skip
    for name, fit in fits.items():
        row = model.loc[name]
        assert row["bg_nbd_status"] == "fitted" and pd.isna(row["bg_nbd_null_reason"])
        assert row["customers"] == fit.n_customers and row["repeat_buyers"] == fit.n_repeat_buyers
        for parameter, value in fit.params.items():
            assert row[parameter] == pytest.approx(value, rel=1e-9), (name, parameter)
        assert row["bg_nbd_log_likelihood"] == pytest.approx(fit.log_likelihood)
    assert model.loc["calibration", "customers"] == len(expected_summary) - 1  # not K3
    assert model.loc["full_history", "period_end_date"] == AS_OF
    assert model.loc["calibration", "holdout_start_date"] == pd.Timestamp("2024-01-01")
    # hold-out: purchase days after 2023-12-31 of the calibration customers, and FHL eq. 10
    actual = cal["holdout_purchases"].sum()
    predicted = bgnbd.expected_purchases(
        fits["calibration"].params, HOLDOUT_WEEKS, cal["frequency_cal"],
        cal["recency_cal_weeks"], cal["age_cal_weeks"],
    )  # fmt: skip
    row = model.loc["calibration"]
    assert row["holdout_actual_purchases"] == actual
    assert row["holdout_predicted_purchases"] == pytest.approx(predicted.sum())
    assert row["holdout_mae"] == pytest.approx(
        np.abs(predicted - cal["holdout_purchases"].astype(float)).mean()
    )
    assert row["holdout_relative_error"] == pytest.approx(predicted.sum() / actual - 1)
    assert row["gamma_gamma_status"] == "fitted" and row["currency"] == "EUR"
    assert row["population_mean_spend"] == pytest.approx(row["gamma"] * row["p"] / (row["q"] - 1))


def test_parameter_intervals_are_log_scale_wald(fitted: Path):
    params = frame(fitted, "select * from marts.clv_predicted_parameters")
    assert len(params) == 14 and (params["status"] == "fitted").all()
    assert np.allclose(params["ci_low"], params["estimate"] * np.exp(-1.96 * params["log_se"]))
    assert np.allclose(params["ci_high"], params["estimate"] * np.exp(1.96 * params["log_se"]))


def test_customer_predictions_follow_the_formulas(fitted: Path):
    model = frame(fitted, "select * from marts.clv_predicted_model where fit = 'full_history'")
    bg = {k: float(model[k].iloc[0]) for k in ("r", "alpha", "a", "b")}
    gg = {k: float(model[k].iloc[0]) for k in ("p", "q", "gamma")}
    got = frame(fitted, "select * from marts.clv_predicted_customers").set_index("customer_id")
    assert "X" not in got.index and "G" not in got.index
    assert got["prediction_null_reason"].isna().all() and got["value_null_reason"].isna().all()
    assert (got["spend_model"] == "gamma_gamma").all()
    horizon = 12 * 30.4375 / 7
    for customer in ("K1", "K2", "K3"):
        row = got.loc[customer]
        purchases, alive = fhl_expected(
            bg, horizon, row["frequency"], row["recency_weeks"], row["age_weeks"]
        )
        assert row["expected_purchases"] == pytest.approx(purchases, rel=1e-9)
        assert row["p_alive"] == pytest.approx(alive, rel=1e-9)
        (spend,) = gamma_gamma.expected_spend(gg, [row["frequency"]], [row["monetary_value"]])
        assert row["expected_spend_per_purchase"] == pytest.approx(spend)
        assert row["expected_revenue"] == pytest.approx(purchases * spend)
        discounted = bgnbd.discounted_monthly_purchases(
            bg, 12, 30.4375 / 7, 0.01, [row["frequency"]], [row["recency_weeks"]],
            [row["age_weeks"]],
        )[0]  # fmt: skip
        assert row["predicted_clv"] == pytest.approx(0.8 * spend * discounted)
        assert row["predicted_clv"] < 0.8 * row["expected_revenue"]  # discounting lowers it
    assert got.loc["K2", "p_alive"] == 1.0
    # K2 has no repeat purchase: the population mean spend
    assert got.loc["K2", "expected_spend_per_purchase"] == pytest.approx(
        gg["gamma"] * gg["p"] / (gg["q"] - 1)
    )


def test_validation_buckets(fitted: Path, expected_summary: pd.DataFrame):
    buckets = frame(fitted, "select * from marts.clv_predicted_validation order by bucket_order")
    assert buckets["frequency_bucket"].tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    cal = expected_summary[expected_summary["in_calibration"]]
    bucket = cal["frequency_cal"].clip(upper=7)
    for i, row in buckets.iterrows():
        mine = cal[bucket == i]
        assert row["customers"] == len(mine)
        assert row["actual_purchases"] == mine["holdout_purchases"].sum()
    model = frame(fitted, "select * from marts.clv_predicted_model where fit = 'calibration'")
    assert buckets["predicted_purchases"].sum() == pytest.approx(
        model["holdout_predicted_purchases"].iloc[0]
    )
    weighted_mae = (buckets["mae"] * buckets["customers"]).sum() / buckets["customers"].sum()
    assert weighted_mae == pytest.approx(model["holdout_mae"].iloc[0])


def test_too_few_repeat_buyers_publish_reasons(too_few: Path):
    model = frame(too_few, "select * from marts.clv_predicted_model").set_index("fit")
    # repeaters by 2024-06-30: A and D (C's two orders are one day); by 2024-05-05: A
    assert model["repeat_buyers"].to_dict() == {"calibration": 1, "full_history": 2}
    assert (model["bg_nbd_null_reason"] == "too_few_repeat_buyers").all()
    assert (model["gamma_gamma_null_reason"] == "too_few_repeat_buyers").all()
    assert model[["r", "alpha", "p", "holdout_predicted_purchases"]].isna().all().all()
    customers = frame(too_few, "select * from marts.clv_predicted_customers")
    assert len(customers) == 6
    assert (customers["prediction_null_reason"] == "bg_nbd_too_few_repeat_buyers").all()
    assert customers[["p_alive", "predicted_clv"]].isna().all().all()
    buckets = frame(too_few, "select * from marts.clv_predicted_validation")
    assert buckets["customers"].sum() == model.loc["calibration", "customers"] == 6
    assert buckets["predicted_purchases"].isna().all()
    assert not math.isnan(buckets["actual_purchases"].sum())
    assert query(too_few, "select count(*) from marts.clv_predicted_parameters")[0][0] == 14
