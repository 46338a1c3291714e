"""Known answers of the semantic layer's own formulas, on a hand-made warehouse.

Four customers, EUR, as of 2024-03-31, built by the real extractor and `dbt build` of the NPS
and MRR marts and the time spine; every expected figure is worked out by hand below and asked
of `mf query` (tests/semantic/mf.py).

    A  smb         100 from 2024-01-01, ongoing
    B  smb         200 from 2024-01-01 to 2024-02-15 (inactive at the February month-end: churn)
    C  mid_market  300 from 2024-02-01, ongoing
    D  mid_market  400 from 2024-03-01, ongoing

    MRR at month-end   Jan 300 (A + B), Feb 400 (A + C), Mar 800 (A + C + D)
    new MRR            Jan 300, Feb 300, Mar 400; churned MRR Feb 200
    customer churn     Feb: 1 of the 2 customers active at the January month-end = 0.5

    NPS responses      January: smb A 10, 9, 9, B 7, 3 (3 promoters, 1 passive, 1 detractor);
                       mid_market C 10, 9, D 8, 7, 0 (2, 2, 1). February: A 10.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from tests.semantic.mf import assert_manifest_is_current, day, decimal, mf_query, number
from tests.shared_builds import record_build
from tests.warehouse import build

pytestmark = pytest.mark.xdist_group("semantic_known_answers")

ENV = {"CXLINK_AS_OF_DATE": "2024-03-31", "CXLINK_REPORTING_CURRENCY": "EUR"}
SEGMENTS = {"A": "smb", "B": "smb", "C": "mid_market", "D": "mid_market"}
PERIODS = [
    ("A", "2024-01-01", "", 100),
    ("B", "2024-01-01", "2024-02-15", 200),
    ("C", "2024-02-01", "", 300),
    ("D", "2024-03-01", "", 400),
]
SCORES = [
    ("2024-01-15", "A", [10, 9, 9]),
    ("2024-01-16", "B", [7, 3]),
    ("2024-01-17", "C", [10, 9]),
    ("2024-01-18", "D", [8, 7, 0]),
    ("2024-02-10", "A", [10]),
]
Z = 1.96


def landing_rows() -> dict[str, list[dict]]:
    responses = [
        (f"r-{customer}-{responded}-{i}", customer, responded, score)
        for responded, customer, scores in SCORES
        for i, score in enumerate(scores)
    ]
    return {
        "customers": [
            {
                "customer_id": customer,
                "signup_date": "2023-12-01",
                "segment": segment,
                "plan_tier": "growth",
                "acquisition_channel": "organic",
                "country": "FI",
            }
            for customer, segment in SEGMENTS.items()
        ],
        "subscriptions": [
            {
                "subscription_id": f"s-{customer}",
                "customer_id": customer,
                "plan_tier": "growth",
                "period_start": start,
                "period_end": end,
                "mrr": mrr,
                "currency": "EUR",
            }
            for customer, start, end, mrr in PERIODS
        ],
        "feedback": [
            {
                "response_id": response_id,
                "customer_id": customer,
                "responded_at": f"{responded}T12:00:00",
                "survey_type": "nps",
                "score": score,
                "comment": "",
                "language": "en",
                "channel": "email",
            }
            for response_id, customer, responded, score in responses
        ],
    }


@pytest.fixture(scope="module")
def warehouse(request, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("semantic_known")
    with record_build(request.config, "semantic known-answer warehouse"):
        build(
            data_dir,
            landing_rows(),
            env=ENV,
            select="+nps_monthly +mrr_monthly metricflow_time_spine",
        )
    assert_manifest_is_current(data_dir / "dbt_target")
    return data_dir


def adjusted_wald(promoters: int, passives: int, detractors: int) -> tuple[float, float]:
    """docs/metrics.md "Survey metrics", written out independently of the SQL."""
    n = promoters + passives + detractors + 3
    p, d = (promoters + 0.75) / n, (detractors + 0.75) / n
    half = Z * math.sqrt((p + d - (p - d) ** 2) / n)
    return max(-100.0, 100 * (p - d - half)), min(100.0, 100 * (p - d + half))


def test_nps_and_its_interval_per_month(warehouse):
    rows = mf_query(
        warehouse,
        ["nps_responses", "nps", "nps_se", "nps_ci_low", "nps_ci_high"],
        ["metric_time__month"],
    )
    got = {day(r["metric_time__month"]): r for r in rows}
    assert sorted(got) == [date(2024, 1, 1), date(2024, 2, 1)]
    january, february = got[date(2024, 1, 1)], got[date(2024, 2, 1)]
    # January: 5 promoters, 3 passives, 2 detractors of 10
    assert int(january["nps_responses"]) == 10
    assert number(january["nps"]) == pytest.approx(30.0, abs=1e-9)
    # V = p + d - (p - d)^2 = 0.5 + 0.2 - 0.09 = 0.61
    assert number(january["nps_se"]) == pytest.approx(100 * math.sqrt(0.61 / 10), abs=1e-9)
    low, high = adjusted_wald(5, 3, 2)
    assert (number(january["nps_ci_low"]), number(january["nps_ci_high"])) == pytest.approx(
        (low, high), abs=1e-9
    )
    assert low == pytest.approx(-19.0514, abs=1e-4) and high == pytest.approx(65.2052, abs=1e-4)
    # February, one promoter: NPS 100, adjusted Wald -48.5 .. 98.5 (the interval of n = 1)
    assert number(february["nps"]) == pytest.approx(100.0, abs=1e-9)
    assert number(february["nps_se"]) == pytest.approx(0.0, abs=1e-9)
    assert (number(february["nps_ci_low"]), number(february["nps_ci_high"])) == pytest.approx(
        (-48.5, 98.5), abs=1e-9
    )


def test_nps_of_a_quarter_and_a_segment_comes_from_summed_counts(warehouse):
    (quarter,) = mf_query(warehouse, ["nps", "nps_responses"], ["metric_time__quarter"])
    # 6 promoters, 3 passives, 2 detractors of 11 (not the mean of January's 30 and February's 100)
    assert int(quarter["nps_responses"]) == 11
    assert number(quarter["nps"]) == pytest.approx(100 * 4 / 11, abs=1e-9)

    by_segment = {r["segment"]: r for r in mf_query(warehouse, ["nps"], ["segment"])}
    # smb 4 promoters, 1 passive, 1 detractor of 6; mid_market 2, 2, 1 of 5
    assert number(by_segment["smb"]["nps"]) == pytest.approx(50.0, abs=1e-9)
    assert number(by_segment["mid_market"]["nps"]) == pytest.approx(20.0, abs=1e-9)

    (only_mid,) = mf_query(warehouse, ["nps"], where="{{ Entity('segment') }} = 'mid_market'")
    assert number(only_mid["nps"]) == pytest.approx(20.0, abs=1e-9)


def test_mrr_bridge_per_month(warehouse):
    metrics = ["mrr_start", "new_mrr", "churned_mrr", "mrr", "net_new_mrr", "customer_churn_rate"]
    got = {
        day(r["metric_time__month"]): r
        for r in mf_query(warehouse, metrics, ["metric_time__month"])
    }
    expected = {
        date(2024, 1, 1): (0, 300, 0, 300, 300, None),
        date(2024, 2, 1): (300, 300, 200, 400, 100, 0.5),
        date(2024, 3, 1): (400, 400, 0, 800, 400, 0.0),
    }
    assert sorted(got) == sorted(expected)
    for month, (start, new, churned, mrr, net_new, churn_rate) in expected.items():
        row = got[month]
        money = tuple(
            decimal(row[m]) for m in ("mrr_start", "new_mrr", "churned_mrr", "mrr", "net_new_mrr")
        )
        assert money == tuple(Decimal(v) for v in (start, new, churned, mrr, net_new)), month
        assert number(row["customer_churn_rate"]) == churn_rate, month


def test_mrr_is_a_balance_and_new_mrr_a_flow(warehouse):
    (quarter,) = mf_query(warehouse, ["mrr", "mrr_start", "new_mrr"], ["metric_time__quarter"])
    # the March month-end (not 300 + 400 + 800), the January start, and all three months' new MRR
    assert (
        decimal(quarter["mrr"]),
        decimal(quarter["mrr_start"]),
        decimal(quarter["new_mrr"]),
    ) == (
        Decimal(800),
        Decimal(0),
        Decimal(1000),
    )
    # no time grouping: MRR now (the latest month-end), per segment
    by_segment = {
        r["segment"]: decimal(r["mrr"]) for r in mf_query(warehouse, ["mrr"], ["segment"])
    }
    assert by_segment == {"smb": Decimal(100), "mid_market": Decimal(700)}


def test_nps_and_mrr_share_the_segment_dimension(warehouse):
    rows = mf_query(warehouse, ["nps", "mrr"], ["metric_time__month", "segment"])
    got = {(day(r["metric_time__month"]), r["segment"]): r for r in rows}
    january_smb = got[(date(2024, 1, 1), "smb")]
    # January smb: NPS 100 x (3 - 1) / 5 = 40 beside smb's month-end MRR (A 100 + B 200)
    assert number(january_smb["nps"]) == pytest.approx(40.0, abs=1e-9)
    assert decimal(january_smb["mrr"]) == Decimal(300)
    # March has MRR but no responses: the NPS is null there, not 0
    march_mid = got[(date(2024, 3, 1), "mid_market")]
    assert (march_mid["nps"], decimal(march_mid["mrr"])) == ("", Decimal(700))
