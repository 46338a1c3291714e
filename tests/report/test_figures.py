"""The report's figures on hand-made rows: what each one plots, to the number."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cxlink.report import figures


def test_error_bars_are_the_distances_to_the_bounds_and_zero_when_unknown():
    above, below = figures.error_arrays([10.0, 5.0, 2.0], [8.0, None, 1.0], [13.0, 6.0, math.nan])
    assert above == [3.0, 1.0, 0.0]
    assert below == [2.0, 0.0, 1.0]
    assert figures.error_arrays([0.25], [0.2], [0.32], scale=100) == (
        [pytest.approx(7.0)],
        [pytest.approx(5.0)],
    )


def _bridge() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-08-01", "2026-09-01"]),
            "mrr_start": [1000.0, 1100.0],
            "new": [150.0, 50.0],
            "expansion": [20.0, 30.0],
            "reactivation": [5.0, 0.0],
            "contraction": [10.0, 20.0],
            "churn": [65.0, 80.0],
            "mrr_end": [1100.0, 1080.0],
        }
    )


def test_the_waterfall_runs_from_the_first_start_to_the_last_end():
    fig = figures.mrr_waterfall(_bridge(), "EUR")
    (trace,) = fig.data
    assert list(trace.x) == [
        "MRR start of Aug 2026",
        "new",
        "expansion",
        "reactivation",
        "contraction",
        "churn",
        "MRR end of Sep 2026",
    ]
    assert list(trace.y) == [1000.0, 200.0, 50.0, 5.0, -30.0, -145.0, 1080.0]
    assert list(trace.measure) == ["absolute", *["relative"] * 5, "total"]
    # the bars add up: start + movements = the bridge's own end
    assert sum(trace.y[:-1]) == trace.y[-1]
    assert trace.text[1] == "+200" and trace.text[4] == "-30" and trace.text[-1] == "1,080"
    # the axis ends a tenth above the highest bar (1,255 after reactivation), not far above
    assert list(fig.layout.yaxis.range) == pytest.approx([0, 1380.5])


def test_the_nps_trend_shades_its_interval_under_the_line():
    frame = pd.DataFrame(
        {
            "response_month": pd.to_datetime(["2026-09-01", "2026-10-01"]),
            "responses": [100, 80],
            "nps": [35.0, 40.0],
            "ci_low": [25.5, 29.0],
            "ci_high": [44.0, 50.0],
        }
    )
    upper, lower, line = figures.nps_trend(frame).data
    assert list(upper.y) == [44.0, 50.0] and upper.fill is None
    assert list(lower.y) == [25.5, 29.0] and lower.fill == "tonexty"
    assert list(line.y) == [35.0, 40.0]


def test_nps_by_segment_draws_one_panel_per_segment():
    frame = pd.DataFrame(
        {
            "response_month": pd.to_datetime(["2026-10-01"] * 2),
            "segment": ["enterprise", "smb"],
            "responses": [30, 50],
            "nps": [45.0, 35.0],
            "ci_low": [22.0, 19.0],
            "ci_high": [63.0, 49.0],
        }
    )
    fig = figures.nps_trend_by_segment(frame)
    assert [a.text for a in fig.layout.annotations] == ["enterprise", "smb"]
    lines = [t for t in fig.data if t.name]
    assert [(t.name, t.xaxis, list(t.y)) for t in lines] == [
        ("enterprise", "x", [45.0]),
        ("smb", "x2", [35.0]),
    ]


def test_retention_curves_start_at_every_customer_and_are_in_percent():
    frame = pd.DataFrame(
        {
            "nps_category": ["detractor", "detractor", "promoter"],
            "horizon_months": [3, 12, 3],
            "customers": [100, 80, 300],
            "retention_rate": [0.9, 0.6, 0.98],
            "retention_ci_low": [0.84, 0.5, 0.96],
            "retention_ci_high": [0.96, 0.7, 1.0],
        }
    )
    curves = {t.name: t for t in figures.retention_curves(frame).data if t.name}
    assert list(curves) == ["promoters", "detractors"]  # no passive rows, no passive curve
    assert list(curves["detractors"].x) == [0, 3, 12]
    assert list(curves["detractors"].y) == pytest.approx([100.0, 90.0, 60.0])
    assert list(curves["promoters"].y) == pytest.approx([100.0, 98.0])


def test_linkage_bars_are_percentage_points_and_money_with_intervals():
    frame = pd.DataFrame(
        {
            "segment": ["all segments", "smb"],
            "linkage_horizon_months": [12, 12],
            "churn_gap": [0.25, 0.20],
            "churn_gap_ci_low": [0.18, 0.10],
            "churn_gap_ci_high": [0.32, 0.30],
            "revenue_at_risk": [500000.0, 100000.0],
            "revenue_at_risk_ci_low": [360000.0, 50000.0],
            "revenue_at_risk_ci_high": [640000.0, 150000.0],
        }
    )
    fig = figures.linkage(frame, "EUR")
    gap, risk = fig.data
    assert list(gap.y) == pytest.approx([25.0, 20.0])
    assert list(gap.error_y.array) == pytest.approx([7.0, 10.0])
    assert list(gap.error_y.arrayminus) == pytest.approx([7.0, 10.0])
    assert list(risk.y) == [500000.0, 100000.0]
    assert list(risk.error_y.array) == [140000.0, 50000.0]
    assert fig.layout.annotations[0].text.endswith("12-month logo churn")
    assert fig.layout.annotations[1].text == "revenue at risk (EUR of ARR over 12 months)"


def _clv(labels: list[str]) -> pd.DataFrame:
    n = len(labels)
    return pd.DataFrame(
        {
            "billing_model": ["subscription"] * (n - 1) + ["one_time"],
            "label": labels,
            "customers": [10] * n,
            "clv": [1.0] * n,
            "clv_to_cac": [4.5, 3.0, 1.2][:n],
            "clv_to_cac_ci_low": [3.6, 2.2, 0.8][:n],
            "clv_to_cac_ci_high": [5.4, 3.8, 1.6][:n],
            "cac_payback_months": [14.0, 18.0, 30.0][:n],
            "cac_payback_ci_low": [12.0, 15.0, 20.0][:n],
            "cac_payback_ci_high": [17.0, 23.0, 60.0][:n],
        }
    )


def test_unit_economics_has_a_row_of_panels_per_billing_model():
    fig = figures.unit_economics(
        _clv(["organic", "paid_search", "organic"]), _clv(["starter", "payg"]), "clv_to_cac"
    )
    assert [a.text for a in fig.layout.annotations] == [
        "subscription, by acquisition channel",
        "subscription, by plan tier",
        "one-time, by acquisition channel",
        "one-time, by plan tier",
    ]
    assert [(t.name, t.xaxis, list(t.y)) for t in fig.data] == [
        ("subscription", "x", [4.5, 3.0]),
        ("subscription", "x2", [4.5]),
        ("one-time", "x3", [1.2]),
        ("one-time", "x4", [3.0]),
    ]
    # each row has its own scale: one-time paybacks run to years, subscriptions' to months
    assert fig.layout.yaxis3.matches is None
    assert fig.layout.height == 2 * 300 + 60
    payback = figures.unit_economics(_clv(["organic", "referral"]), None, "cac_payback_months")
    assert [list(t.y) for t in payback.data] == [[14.0], [18.0]]
    assert list(payback.data[0].error_y.array) == [3.0]
    assert [a.text for a in payback.layout.annotations] == [
        "subscription, by acquisition channel",
        "one-time, by acquisition channel",
    ]


def test_topic_impact_colours_costs_red_and_puts_the_costliest_on_top():
    frame = pd.DataFrame(
        {
            "topic_name": ["Uptime", "Mobile app", "Ease of use"],
            "responses_mentioning": [300, 50, 400],
            "share_mentioning": [0.12, 0.02, 0.16],
            "impact": [-2.0, -0.1, 1.5],
            "impact_ci_low": [-2.5, -0.4, 1.1],
            "impact_ci_high": [-1.5, 0.2, 1.9],
        }
    )
    fig = figures.topic_impact(frame)
    (bars,) = fig.data
    assert list(bars.marker.color) == [figures.NEGATIVE, figures.NEGATIVE, figures.POSITIVE]
    assert fig.layout.yaxis.autorange == "reversed"


def test_drivers_plot_nps_points_and_name_only_the_significant_ones():
    frame = pd.DataFrame(
        {
            "topic_name": ["Uptime", "Mobile app", "Ease of use"],
            "mention_share": [0.12, 0.02, 0.16],
            "coefficient": [-0.6, -0.05, 0.35],
            "p_value": [0.0001, 0.6, 0.001],
            "is_significant": [True, False, True],
            "share_of_r_squared": [0.4, 0.01, 0.35],
        }
    )
    significant, other = figures.nps_drivers(frame).data
    assert list(significant.y) == pytest.approx([-60.0, 35.0])
    assert list(significant.x) == pytest.approx([12.0, 16.0])
    assert significant.mode == "markers+text" and other.mode == "markers"
    assert list(significant.marker.color) == [figures.NEGATIVE, figures.POSITIVE]


def test_alerts_mark_the_alerting_topic_red():
    frame = pd.DataFrame(
        {
            "topic_name": ["Ease of use", "Uptime"],
            "share_now": [0.15, 0.25],
            "baseline_share": [0.16, 0.10],
            "q_value": [0.9, 0.001],
            "is_alert": [False, True],
            "responses_mentioning": [30, 50],
            "commented_responses": [200, 200],
        }
    )
    fig = figures.topic_alerts(frame)
    now = next(t for t in fig.data if t.name == "share now")
    assert list(now.x) == pytest.approx([15.0, 25.0])
    assert list(now.marker.color) == [figures.SEGMENT_COLORS[0], figures.NEGATIVE]
    segments = [t for t in fig.data if t.mode == "lines"]
    assert [list(t.x) for t in segments] == [
        pytest.approx([16.0, 15.0]),
        pytest.approx([10.0, 25.0]),
    ]


def test_quarantine_stacks_entities_per_rule_largest_rule_on_top():
    frame = pd.DataFrame(
        {
            "entity": ["customers", "customers", "invoices"],
            "rule": ["duplicate_key", "invalid_date", "duplicate_key"],
            "rows": [2, 1, 1],
        }
    )
    fig = figures.quarantine(frame)
    customers, invoices = fig.data
    assert list(customers.y) == ["invalid_date", "duplicate_key"]  # plotly's first row: bottom
    assert list(customers.x) == [1, 2]
    assert [0 if math.isnan(v) else v for v in invoices.x] == [0, 1]
    assert fig.layout.barmode == "stack" and fig.layout.xaxis.dtick == 1
