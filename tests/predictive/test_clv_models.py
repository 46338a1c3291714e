"""BG/NBD + Gamma-Gamma (cxlink/predictive): the purchase summary on hand-made transactions,
the published CDNOW fit rebuilt from the raw sample through that summary, recovery of known
parameters from seeded simulations, the prediction formulas against FHL's closed forms, and
the reasons a model is not fitted."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from cxlink.predictive import bgnbd, gamma_gamma
from cxlink.predictive.fits import DID_NOT_CONVERGE, NO_CUSTOMERS, TOO_FEW_REPEAT_BUYERS
from cxlink.predictive.summary import purchase_summaries
from tests.predictive import cdnow_sample
from tests.predictive.simulate import bgnbd_purchase_times, bgnbd_summary, gamma_gamma_values

# --- the summary on hand-made transactions --------------------------------------------------------


def test_summary_known_answer():
    # calibration ends Sunday 2024-01-28, as-of 2024-02-25 (4 weeks of hold-out)
    orders = pd.DataFrame(
        [
            ("A", "2024-01-01", 10.0),  # A's first purchase day: 10 + 5 = 15, one purchase
            ("A", "2024-01-01", 5.0),
            ("A", "2024-01-15", 20.0),  # repeat 1, 14 days = 2 weeks after the first
            ("A", "2024-01-22", 40.0),  # repeat 2, 3 weeks
            ("A", "2024-02-12", 30.0),  # repeat 3, in the hold-out (6 weeks)
            ("B", "2024-01-08", 7.0),  # one purchase, T = 20 days = 20/7 weeks at the cal end
            ("C", "2024-02-05", 9.0),  # first purchase in the hold-out: not in calibration
            ("C", "2024-03-04", 9.0),  # after the as-of date: ignored
        ],
        columns=["customer_id", "order_date", "amount"],
    )
    got = purchase_summaries(orders, "2024-01-28", "2024-02-25").set_index("customer_id")
    a, b, c = got.loc["A"], got.loc["B"], got.loc["C"]
    # full history: x = 3 repeats, t_x = 42 days = 6 weeks, T = 55 days, m = (20 + 40 + 30) / 3
    assert (a["purchase_days"], a["frequency"]) == (4, 3)
    assert (a["recency_weeks"], a["age_weeks"], a["monetary_value"]) == pytest.approx(
        (6.0, 55 / 7, 30.0)
    )
    # calibration: x = 2, t_x = 21 days = 3 weeks, T = 27 days, m = (20 + 40) / 2; hold-out 1
    assert a["in_calibration"] and a["frequency_cal"] == 2 and a["holdout_purchases"] == 1
    assert (a["recency_cal_weeks"], a["age_cal_weeks"], a["monetary_value_cal"]) == pytest.approx(
        (3.0, 27 / 7, 30.0)
    )
    # no repeat: m = 0 (the first purchase never counts in m), recency 0
    assert (b["frequency"], b["recency_weeks"], b["monetary_value"]) == (0, 0.0, 0.0)
    assert b["age_cal_weeks"] == pytest.approx(20 / 7) and b["holdout_purchases"] == 0
    assert b["age_weeks"] == pytest.approx(48 / 7)
    # C bought first in the hold-out: full-history row only
    assert not c["in_calibration"] and pd.isna(c["frequency_cal"])
    assert pd.isna(c["holdout_purchases"]) and c["frequency"] == 0
    assert c["age_weeks"] == pytest.approx(20 / 7)
    assert list(got.index) == ["A", "B", "C"]


def test_summary_of_no_orders_is_empty_and_typed():
    empty = pd.DataFrame(columns=["customer_id", "order_date", "amount"])
    got = purchase_summaries(empty, "2024-01-28", "2024-02-25")
    assert len(got) == 0 and "frequency_cal" in got.columns
    with pytest.raises(ValueError, match="after as-of"):
        purchase_summaries(empty, "2024-03-01", "2024-02-25")


# --- CDNOW: the published fit, from the raw sample -----------------------------------------------


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    orders = cdnow_sample.sample_orders()
    return purchase_summaries(orders, cdnow_sample.CALIBRATION_END, cdnow_sample.AS_OF)


def test_cdnow_summary_equals_the_published_summary(cdnow: pd.DataFrame):
    published = cdnow_sample.published_summary()
    ours = cdnow.set_index("customer_id").loc[published.index]
    assert len(ours) == len(published) == 2357 and ours["in_calibration"].all()
    assert (ours["frequency_cal"].to_numpy() == published["frequency"].to_numpy()).all()
    # the published weeks are rounded to 2 decimals
    assert np.abs(ours["recency_cal_weeks"] - published["recency"]).max() < 0.005
    assert np.abs(ours["age_cal_weeks"] - published["T"]).max() < 0.005


def test_cdnow_bgnbd_matches_the_published_parameters(cdnow: pd.DataFrame):
    fit = bgnbd.fit(cdnow["frequency_cal"], cdnow["recency_cal_weeks"], cdnow["age_cal_weeks"], 30)
    assert fit.fitted and fit.n_customers == 2357 and fit.n_repeat_buyers == 946
    # to 3 decimals (within half a unit of the third): the fit gives r 0.24259, alpha 4.41360,
    # a 0.79292, b 2.42591 from the exact weeks (lifetimes' summary, rounded to 2 decimals of a
    # week, gives 4.41353 and 2.42575)
    for name, published in cdnow_sample.PUBLISHED.items():
        assert fit.params[name] == pytest.approx(published, abs=5e-4), name
        low, high = fit.interval(name, 1.96)
        assert low < fit.params[name] < high
    assert fit.log_likelihood == pytest.approx(cdnow_sample.PUBLISHED_LOG_LIKELIHOOD, abs=0.05)


def test_cdnow_gamma_gamma_matches_the_note(cdnow: pd.DataFrame):
    x, m = cdnow["frequency_cal"].astype(float), cdnow["monetary_value_cal"]
    fit = gamma_gamma.fit(x, m, 30)
    assert fit.fitted and fit.n_customers == 946
    for name, published in cdnow_sample.PUBLISHED_GAMMA_GAMMA.items():
        assert fit.params[name] == pytest.approx(published, abs=0.005), name
    r, low, high, n = gamma_gamma.frequency_value_correlation(x, m, 1.96)
    assert (round(r, 2), n) == (0.11, 946)
    # Fisher z: tanh(atanh(r) -/+ 1.96 / sqrt(943))
    assert (low, high) == pytest.approx(
        (
            math.tanh(math.atanh(r) - 1.96 / math.sqrt(943)),
            math.tanh(math.atanh(r) + 1.96 / 943**0.5),
        )
    )


# --- recovery of known parameters ------------------------------------------------------------------

TRUE_BGNBD = {"r": 0.5, "alpha": 8.0, "a": 0.7, "b": 3.0}
TRUE_GAMMA_GAMMA = {"p": 6.0, "q": 4.0, "gamma": 15.0}


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(20240601)
    T = rng.uniform(26, 78, size=8000)
    summary = bgnbd_summary(bgnbd_purchase_times(rng, T, **TRUE_BGNBD), T)
    values = gamma_gamma_values(rng, summary["frequency"].to_numpy(), **TRUE_GAMMA_GAMMA)
    return summary, np.array([v.mean() if len(v) else 0.0 for v in values])


def test_bgnbd_recovers_simulated_parameters(simulated):
    summary, _ = simulated
    fit = bgnbd.fit(summary["frequency"], summary["recency"], summary["T"], 30)
    for name, true in TRUE_BGNBD.items():
        low, high = fit.interval(name, 2.576)  # 99%
        assert low < true < high, (name, fit.params[name], low, high)
        tolerance = 0.05 if name in ("r", "alpha") else 0.10
        assert fit.params[name] == pytest.approx(true, rel=tolerance), name


def test_gamma_gamma_recovers_simulated_parameters(simulated):
    summary, monetary = simulated
    fit = gamma_gamma.fit(summary["frequency"], monetary, 30)
    for name, true in TRUE_GAMMA_GAMMA.items():
        low, high = fit.interval(name, 2.576)
        assert low < true < high, (name, fit.params[name], low, high)
        assert fit.params[name] == pytest.approx(true, rel=0.05), name
    # values drawn independently of frequency: the correlation's interval covers 0
    _, low, high, _ = gamma_gamma.frequency_value_correlation(summary["frequency"], monetary, 1.96)
    assert low < 0 < high


# --- predictions against the closed forms ------------------------------------------------------------


def fhl_expected(params, t, x, t_x, T):
    """FHL (2005) equation (10), written out."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    head = (a + b + x - 1) / (a - 1)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
        r + x, b + x, a + b + x - 1, t / (alpha + T + t)
    )
    drop = a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x) if x > 0 else 0.0
    return head * bracket / (1 + drop), 1 / (1 + drop)


def test_predictions_equal_fhl_closed_forms():
    params = cdnow_sample.PUBLISHED
    customers = [(0, 0.0, 38.86), (2, 30.43, 38.86), (7, 35.0, 38.86), (1, 1.71, 38.86)]
    # (x, t_x, T): no repeat; the sample's customer 1; a frequent buyer; an early lapse
    x, t_x, T = (np.array(column, dtype=float) for column in zip(*customers, strict=True))
    got = bgnbd.expected_purchases(params, 39.0, x, t_x, T)
    alive = bgnbd.probability_alive(params, x, t_x, T)
    for i, customer in enumerate(customers):
        expected, p_alive = fhl_expected(params, 39.0, *customer)
        assert got[i] == pytest.approx(expected, rel=1e-9)
        assert alive[i] == pytest.approx(p_alive, rel=1e-9)
    assert alive[0] == 1.0  # no repeat purchase: the model has not let the customer drop out
    # the sample's customer 1 (x 2, t_x 30.43, T 38.86), FHL's worked example: 1.226 purchases
    # expected in the 39 hold-out weeks, P(alive) 0.727
    assert (round(got[1], 3), round(alive[1], 3)) == (1.226, 0.727)
    # the discounted monthly sum: without discounting it is E[N(12 months)]
    w = 30.4375 / 7
    flat = bgnbd.discounted_monthly_purchases(params, 12, w, 0.0, x, t_x, T)
    assert flat == pytest.approx(bgnbd.expected_purchases(params, 12 * w, x, t_x, T))
    # 2 months at 10%: N(w) / 1.1 + (N(2w) - N(w)) / 1.21
    one, two = (bgnbd.expected_purchases(params, k * w, x, t_x, T) for k in (1, 2))
    assert bgnbd.discounted_monthly_purchases(params, 2, w, 0.1, x, t_x, T) == pytest.approx(
        one / 1.1 + (two - one) / 1.21
    )


def test_gamma_gamma_expected_spend_known_answer():
    params = {"p": 6.0, "q": 4.0, "gamma": 15.0}
    # population mean gamma p / (q - 1) = 90 / 3 = 30; x = 3, m = 50: weight 18 / 21
    spend = gamma_gamma.expected_spend(params, [0, 3], [0.0, 50.0])
    assert spend == pytest.approx([30.0, 3 / 21 * 30 + 18 / 21 * 50])
    assert gamma_gamma.population_mean({"p": 1.0, "q": 0.9, "gamma": 1.0}) is None


# --- not fitted, with the reason ---------------------------------------------------------------------


def test_too_few_repeat_buyers_and_no_customers_are_reasons_not_crashes():
    fit = bgnbd.fit([1, 0, 2], [3.0, 0.0, 5.0], [10.0, 10.0, 10.0], 30)
    assert (fit.status, fit.reason, fit.n_customers, fit.n_repeat_buyers) == (
        "not_fitted",
        TOO_FEW_REPEAT_BUYERS,
        3,
        2,
    )
    assert fit.params == {} and fit.interval("r", 1.96) == (None, None)
    assert bgnbd.fit([], [], [], 30).reason == NO_CUSTOMERS
    assert gamma_gamma.fit([0, 0], [0.0, 0.0], 30).reason == NO_CUSTOMERS
    assert gamma_gamma.fit([1] * 40, [10.0] * 40, 30).reason == "no_monetary_variation"
    assert gamma_gamma.frequency_value_correlation([1, 2], [5.0, 6.0], 1.96) == (
        None,
        None,
        None,
        2,
    )


def test_an_optimizer_failure_is_a_reason(monkeypatch: pytest.MonkeyPatch, cdnow: pd.DataFrame):
    def fail(*args, **kwargs):
        raise RuntimeError("did not converge")

    monkeypatch.setattr(bgnbd.BetaGeoFitter, "fit", fail)
    monkeypatch.setattr(gamma_gamma.GammaGammaFitter, "fit", fail)
    x, t_x, T = cdnow["frequency_cal"], cdnow["recency_cal_weeks"], cdnow["age_cal_weeks"]
    assert bgnbd.fit(x, t_x, T, 30).reason == DID_NOT_CONVERGE
    assert gamma_gamma.fit(x, cdnow["monetary_value_cal"], 30).reason == DID_NOT_CONVERGE


def test_no_spend_heterogeneity_falls_back_to_the_common_mean(simulated):
    from cxlink.predictive.clv_predictions import predictions_table
    from cxlink.predictive.clv_tables import fits_table

    summary, _ = simulated
    rng = np.random.default_rng(3)
    x = summary["frequency"].to_numpy()
    # every customer's transactions from one Gamma(6, 0.05): mean 120 for all, no heterogeneity
    values = [rng.gamma(6.0, 20.0, size=k) for k in x]
    monetary = np.array([v.mean() if len(v) else 0.0 for v in values])
    assert gamma_gamma.fit(x, monetary, 30).reason == "no_spend_heterogeneity"
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(x))],
            "segment": "smb",
            "first_order_date": pd.Timestamp("2024-01-01"),
            "as_of_date": pd.Timestamp("2025-06-30"),
            "purchase_days": x + 1,
            "frequency": x,
            "recency_weeks": summary["recency"],
            "age_weeks": summary["T"],
            "monetary_value": monetary,
            "in_calibration": True,
            "frequency_cal": x,
            "recency_cal_weeks": summary["recency"],
            "age_cal_weeks": summary["T"],
            "monetary_value_cal": monetary,
            "holdout_purchases": 0,
        }
    )
    fits = fits_table(frame, 26, 30, 1.96)
    assert (fits["gamma_gamma_null_reason"] == "no_spend_heterogeneity").all()
    got = predictions_table(frame, fits, 12, 0.01)
    common = (x * monetary).sum() / x.sum()  # the mean repeat purchase value, about 120
    assert (got["spend_model"] == "common_mean").all() and got["value_null_reason"].isna().all()
    assert got["expected_spend_per_purchase"].to_numpy() == pytest.approx(np.full(len(x), common))
    assert common == pytest.approx(120, rel=0.02)
