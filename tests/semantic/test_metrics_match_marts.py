"""The semantic layer answers as the marts do, on the demo warehouse of a real pipeline run.

Every figure comes from `mf query` (the MetricFlow CLI, tests/semantic/mf.py) and is compared
with the mart that publishes it, for every month or category the mart has:

- counts and money are sums of the same rows: equal exactly (money is decimal in both);
- ratios and NPS figures are recomputed by MetricFlow's SQL from the summed counts: equal to
  TOLERANCE (absolute, in the figure's unit), far below any digit a report shows;
- published figures (revenue at risk, value of one NPS point, churn gap, CLV, CLV/CAC, CAC
  payback) are read, not computed: equal exactly.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.semantic.mf import assert_manifest_is_current, day, decimal, mf_query, number, run_mf
from tests.warehouse import query

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def demo_dir(demo_run):
    data_dir, _, result = demo_run
    assert result.success
    assert_manifest_is_current(data_dir / "dbt_target")
    return data_dir


def assert_close(actual: float | None, expected: float | None, what: str) -> None:
    if expected is None:
        assert actual is None, f"{what}: {actual} where the mart has null"
    else:
        assert actual is not None, f"{what}: null where the mart has {expected}"
        assert abs(actual - float(expected)) <= TOLERANCE, f"{what}: {actual} vs mart {expected}"


def by_key(rows, *columns):
    return {tuple(row[c] for c in columns): row for row in rows}


def test_nps_per_month_matches_nps_monthly_overall(demo_dir):
    rows = mf_query(
        demo_dir,
        ["nps_responses", "nps", "nps_se", "nps_ci_low", "nps_ci_high"],
        ["metric_time__month"],
    )
    mart = query(
        demo_dir,
        "select response_month, responses, nps, se, ci_low, ci_high "
        "from marts.nps_monthly_overall order by 1",
    )
    assert len(mart) >= 24
    got = {day(r["metric_time__month"]): r for r in rows}
    assert sorted(got) == [m[0] for m in mart]
    for month, responses, nps, se, ci_low, ci_high in mart:
        row = got[month]
        assert int(row["nps_responses"]) == responses, month
        assert_close(number(row["nps"]), nps, f"nps {month}")
        assert_close(number(row["nps_se"]), se, f"nps_se {month}")
        assert_close(number(row["nps_ci_low"]), ci_low, f"nps_ci_low {month}")
        assert_close(number(row["nps_ci_high"]), ci_high, f"nps_ci_high {month}")


@pytest.mark.parametrize(
    ("dimension", "mart"),
    [("segment", "nps_monthly_by_segment"), ("language", "nps_monthly_by_language")],
)
def test_nps_per_month_and_slice_matches_its_mart(demo_dir, dimension, mart):
    rows = mf_query(
        demo_dir,
        ["nps_responses", "nps", "nps_ci_low", "nps_ci_high"],
        ["metric_time__month", dimension],
    )
    published = query(
        demo_dir,
        f"select response_month, {dimension}, responses, nps, ci_low, ci_high from marts.{mart}",
    )
    got = {(day(r["metric_time__month"]), r[dimension]): r for r in rows}
    assert sorted(got) == sorted((m[0], m[1]) for m in published)
    for month, value, responses, nps, ci_low, ci_high in published:
        row = got[(month, value)]
        assert int(row["nps_responses"]) == responses
        assert_close(number(row["nps"]), nps, f"nps {month} {value}")
        assert_close(number(row["nps_ci_low"]), ci_low, f"nps_ci_low {month} {value}")
        assert_close(number(row["nps_ci_high"]), ci_high, f"nps_ci_high {month} {value}")


BRIDGE = {
    # metric: mrr_bridge_* column
    "mrr_start": "mrr_start",
    "new_mrr": "new",
    "expansion_mrr": "expansion",
    "contraction_mrr": "contraction",
    "churned_mrr": "churn",
    "reactivation_mrr": "reactivation",
    "mrr": "mrr_end",
}
BRIDGE_COUNTS = {
    "customers_start": "customers_start",
    "customers_new": "customers_new",
    "customers_reactivated": "customers_reactivated",
    "customers_churned": "customers_churned",
    "customers_end": "customers_end",
}
BRIDGE_RATES = ("customer_churn_rate", "gross_mrr_churn_rate", "net_mrr_churn_rate", "quick_ratio")


def test_mrr_bridge_per_month_matches_mrr_bridge_total(demo_dir):
    rows = mf_query(demo_dir, [*BRIDGE, *BRIDGE_COUNTS, *BRIDGE_RATES], ["metric_time__month"])
    columns = [*BRIDGE.values(), *BRIDGE_COUNTS.values(), *BRIDGE_RATES]
    mart = query(demo_dir, f"select month, {', '.join(columns)} from marts.mrr_bridge_total")
    got = {day(r["metric_time__month"]): r for r in rows}
    assert len(mart) >= 24
    assert sorted(got) == sorted(m[0] for m in mart)
    for month, *values in mart:
        published = dict(zip(columns, values, strict=True))
        row = got[month]
        for metric, column in BRIDGE.items():
            assert decimal(row[metric]) == Decimal(published[column]), (metric, month)
        for metric, column in BRIDGE_COUNTS.items():
            assert int(row[metric]) == published[column], (metric, month)
        for metric in BRIDGE_RATES:
            assert_close(number(row[metric]), published[metric], f"{metric} {month}")


def test_mrr_per_month_and_plan_tier_matches_mrr_bridge_by_plan_tier(demo_dir):
    rows = mf_query(
        demo_dir, ["mrr", "new_mrr", "churned_mrr"], ["metric_time__month", "plan_tier"]
    )
    mart = query(
        demo_dir, "select month, plan_tier, mrr_end, new, churn from marts.mrr_bridge_by_plan_tier"
    )
    got = {(day(r["metric_time__month"]), r["plan_tier"]): r for r in rows}
    assert sorted(got) == sorted((m[0], m[1]) for m in mart)
    for month, tier, mrr_end, new, churn in mart:
        row = got[(month, tier)]
        assert (decimal(row["mrr"]), decimal(row["new_mrr"]), decimal(row["churned_mrr"])) == (
            mrr_end,
            new,
            churn,
        ), (month, tier)


def test_mrr_of_a_quarter_is_its_last_month_and_flows_add_up(demo_dir):
    """MRR is a balance: a quarter reads its last month-end (not the sum of three), its start
    the first month's start; new MRR is a flow and adds up over the quarter's months."""
    rows = mf_query(demo_dir, ["mrr", "mrr_start", "new_mrr"], ["metric_time__quarter"])
    mart = query(
        demo_dir,
        "select date_trunc('quarter', month)::date as quarter, arg_max(mrr_end, month), "
        "arg_min(mrr_start, month), sum(new), sum(mrr_end) from marts.mrr_bridge_total group by 1",
    )
    got = {day(r["metric_time__quarter"]): r for r in rows}
    assert sorted(got) == sorted(m[0] for m in mart)
    for quarter, mrr_end, mrr_start, new, summed_mrr in mart:
        row = got[quarter]
        assert decimal(row["mrr"]) == mrr_end, quarter
        assert decimal(row["mrr_start"]) == mrr_start, quarter
        assert decimal(row["new_mrr"]) == new, quarter
        assert mrr_end == summed_mrr or decimal(row["mrr"]) != summed_mrr


def test_nrr_and_grr_match_revenue_retention_12m(demo_dir):
    metrics = ["nrr_12m", "grr_12m", "logo_retention_12m"]
    total = mf_query(demo_dir, metrics, ["metric_time__month"])
    mart = query(
        demo_dir,
        "select month, nrr_12m, grr_12m, logo_retention_12m from marts.revenue_retention_12m_total",
    )
    assert len(mart) >= 12
    got = {day(r["metric_time__month"]): r for r in total}
    assert sorted(got) == sorted(m[0] for m in mart)
    for month, *values in mart:
        for metric, value in zip(metrics, values, strict=True):
            assert_close(number(got[month][metric]), value, f"{metric} {month}")

    by_segment = mf_query(demo_dir, metrics, ["metric_time__month", "segment"])
    mart = query(
        demo_dir,
        "select month, segment, nrr_12m, grr_12m, logo_retention_12m "
        "from marts.revenue_retention_12m_by_segment",
    )
    got = {(day(r["metric_time__month"]), r["segment"]): r for r in by_segment}
    assert sorted(got) == sorted((m[0], m[1]) for m in mart)
    for month, segment, *values in mart:
        for metric, value in zip(metrics, values, strict=True):
            assert_close(
                number(got[(month, segment)][metric]), value, f"{metric} {month} {segment}"
            )


def test_cac_matches_cac_total_and_cac_by_channel(demo_dir):
    metrics = ["acquisition_spend", "acquired_customers", "cac"]
    total = mf_query(demo_dir, metrics, ["metric_time__month"])
    mart = query(demo_dir, "select month, spend, new_customers, cac from marts.cac_total")
    got = {day(r["metric_time__month"]): r for r in total}
    assert sorted(got) == sorted(m[0] for m in mart)
    assert sum(m[1] is not None for m in mart) >= 12
    for month, spend, new_customers, cac in mart:
        row = got[month]
        assert decimal(row["acquisition_spend"]) == spend, month
        assert int(row["acquired_customers"]) == new_customers, month
        assert_close(number(row["cac"]), cac, f"cac {month}")

    by_channel = mf_query(demo_dir, ["cac"], ["metric_time__month", "acquisition_channel"])
    mart = query(demo_dir, "select month, acquisition_channel, cac from marts.cac_by_channel")
    got = {(day(r["metric_time__month"]), r["acquisition_channel"]): r for r in by_channel}
    assert sorted(got) == sorted((m[0], m[1]) for m in mart)
    for month, channel, cac in mart:
        assert_close(number(got[(month, channel)]["cac"]), cac, f"cac {month} {channel}")


CHURN = [
    "cohort_customers",
    "cohort_churned",
    "logo_churn_rate",
    "logo_churn_ci_low",
    "logo_churn_ci_high",
]


def test_churn_by_nps_category_matches_cx_revenue_linkage_overall(demo_dir):
    rows = by_key(mf_query(demo_dir, saved_query="churn_by_nps_category"), "nps_category")
    mart = query(
        demo_dir,
        "select nps_category, cohort_customers, cohort_churned, logo_churn_rate, "
        "logo_churn_ci_low, logo_churn_ci_high from marts.cx_revenue_linkage_overall",
    )
    assert {m[0] for m in mart} >= {"promoter", "passive", "detractor"}
    assert {k[0] for k in rows} == {m[0] for m in mart}
    for category, customers, churned, rate, low, high in mart:
        row = rows[(category,)]
        assert (int(row["cohort_customers"]), int(row["cohort_churned"])) == (customers, churned)
        assert_close(number(row["logo_churn_rate"]), rate, f"logo_churn_rate {category}")
        assert_close(number(row["logo_churn_ci_low"]), low, f"logo_churn_ci_low {category}")
        assert_close(number(row["logo_churn_ci_high"]), high, f"logo_churn_ci_high {category}")
    # the headline: detractors churn more than promoters, the intervals apart on the demo
    assert number(rows[("detractor",)]["logo_churn_ci_low"]) > number(
        rows[("promoter",)]["logo_churn_ci_high"]
    )


def test_churn_by_segment_and_nps_category_matches_cx_revenue_linkage(demo_dir):
    rows = by_key(
        mf_query(demo_dir, CHURN[2:], ["segment", "nps_category"]), "segment", "nps_category"
    )
    mart = query(
        demo_dir,
        "select segment, nps_category, logo_churn_rate, logo_churn_ci_low, logo_churn_ci_high "
        "from marts.cx_revenue_linkage",
    )
    assert {k for k in rows} == {(m[0], m[1]) for m in mart}
    for segment, category, *values in mart:
        for metric, value in zip(CHURN[2:], values, strict=True):
            assert_close(
                number(rows[(segment, category)][metric]), value, f"{metric} {segment} {category}"
            )


PUBLISHED_LINKAGE = {
    "revenue_at_risk": "revenue_at_risk",
    "revenue_at_risk_ci_low": "revenue_at_risk_ci_low",
    "revenue_at_risk_ci_high": "revenue_at_risk_ci_high",
    "nps_point_value": "nps_point_value_per_year",
    "nps_point_value_ci_low": "nps_point_value_ci_low",
    "nps_point_value_ci_high": "nps_point_value_ci_high",
    "churn_gap": "churn_gap_detractor_vs_promoter",
    "churn_gap_ci_low": "churn_gap_ci_low",
    "churn_gap_ci_high": "churn_gap_ci_high",
}
PUBLISHED_CLV = {
    "clv": "clv",
    "clv_ci_low": "clv_ci_low",
    "clv_ci_high": "clv_ci_high",
    "clv_to_cac": "clv_to_cac",
    "clv_to_cac_ci_low": "clv_to_cac_ci_low",
    "clv_to_cac_ci_high": "clv_to_cac_ci_high",
    "cac_payback_months": "cac_payback_months",
}


def test_headline_figures_are_the_published_ones(demo_dir):
    (row,) = mf_query(demo_dir, saved_query="headline_figures")
    (linkage,) = query(
        demo_dir,
        f"select {', '.join(PUBLISHED_LINKAGE.values())} from marts.cx_revenue_linkage_total",
    )
    (clv,) = query(
        demo_dir,
        f"select {', '.join(PUBLISHED_CLV.values())} from marts.clv_overall "
        "where billing_model = 'subscription'",
    )
    for metric, value in [
        *zip(PUBLISHED_LINKAGE, linkage, strict=True),
        *zip(PUBLISHED_CLV, clv, strict=True),
    ]:
        assert value is not None, f"{metric} is null in its mart on the demo"
        assert number(row[metric]) == value, metric


def test_one_time_clv_is_the_one_time_row(demo_dir):
    (row,) = mf_query(demo_dir, ["one_time_clv", "clv"])
    ((one_time,),) = query(
        demo_dir, "select clv from marts.clv_overall where billing_model = 'one_time'"
    )
    ((subscription,),) = query(
        demo_dir, "select clv from marts.clv_overall where billing_model = 'subscription'"
    )
    assert (number(row["one_time_clv"]), number(row["clv"])) == (one_time, subscription)
    assert one_time != subscription


def test_time_spine_covers_every_month_of_the_demo(demo_dir):
    ((first, last, days),) = query(
        demo_dir,
        "select min(date_day), max(date_day), count(*) from semantic.metricflow_time_spine",
    )
    ((earliest, latest),) = query(
        demo_dir, "select min(month), max(month) from marts.mrr_bridge_total"
    )
    assert first <= earliest and latest <= last
    assert days == (last - first).days + 1


def test_every_metric_dimension_and_measure_runs_on_the_warehouse(demo_dir):
    """`mf validate-configs`: the semantic manifest's rules, then a query of every semantic
    model, dimension, entity, measure and metric on the demo warehouse (exit 1 on an error)."""
    done = run_mf(demo_dir, ["validate-configs"])
    assert "Successfully validated metrics against data warehouse" in done.stdout
