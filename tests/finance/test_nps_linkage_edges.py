"""Known answers for the NPS figures at their edges, on one hand-built landing zone (EUR, as of
2025-01-31; linkage horizon 12 months, so the cohort date is 2024-01-31 and the linkage period
for the current accounts' answers is 2024-02-01 .. 2025-01-31):

    P1, P2  smb  100 EUR from 2023-01-01, ongoing; NPS 10 / 9 on 2023-03-10 (no answer since)
    D1      smb   50 EUR 2023-01-01 .. 2023-05-01 (churns); NPS 2 on 2023-02-10, 3 on 2023-03-10
    D2      smb   50 EUR 2023-01-01 .. 2023-05-01 (churns); NPS 4 on 2023-03-10
    A1      smb  100 EUR from 2024-03-01, ongoing (ARR 1,200); NPS 10 on 2024-06-10
    A2      smb  300 EUR from 2024-03-01, ongoing (ARR 3,600); NPS 8 on 2024-06-10
    A3      smb  200 EUR from 2024-03-01, ongoing (ARR 2,400); NPS 3 on 2024-06-10
    X1      smb  400 EUR 2024-03-01 .. 2024-09-01 (churns, ARR 0 now); NPS 2 on 2024-07-10
    E1      enterprise 500 EUR from 2024-03-01, ongoing (ARR 6,000); never answers

- nps_retention_summary at 12 months (issue 14, bug 4): every detractor response (D1 twice, D2
  once) churned and every promoter response (P1, P2) stayed: perfect separation, where a Wald
  interval has zero width.
- cx_revenue_linkage_by_segment / _total (issue 14, item 11): X1, a detractor who answered in
  the period and has churned since (ARR 0), must not count in the account NPS while the
  revenue-weighted NPS and `customers` leave it out; its old meaning (every account that
  answered, active now or not) is kept, named, as nps_account_incl_inactive.
- The enterprise segment has no answer (issue 14, bug 3): its revenue-weighted NPS is null, so
  its interval is null too, not [-100, 100].
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from tests.shared_builds import record_build
from tests.warehouse import build

pytestmark = pytest.mark.xdist_group("nps_linkage_edges")

Z = 1.96
ENV = {"CXLINK_AS_OF_DATE": "2025-01-31", "CXLINK_REPORTING_CURRENCY": "EUR"}
SELECT = "+nps_retention_summary +cx_revenue_linkage_by_segment +cx_revenue_linkage_total"

# customer_id, segment, period start, period end ('' = ongoing), MRR EUR, answers (date, score)
ACCOUNTS = [
    ("P1", "smb", "2023-01-01", "", 100, [("2023-03-10", 10)]),
    ("P2", "smb", "2023-01-01", "", 100, [("2023-03-10", 9)]),
    ("D1", "smb", "2023-01-01", "2023-05-01", 50, [("2023-02-10", 2), ("2023-03-10", 3)]),
    ("D2", "smb", "2023-01-01", "2023-05-01", 50, [("2023-03-10", 4)]),
    ("A1", "smb", "2024-03-01", "", 100, [("2024-06-10", 10)]),
    ("A2", "smb", "2024-03-01", "", 300, [("2024-06-10", 8)]),
    ("A3", "smb", "2024-03-01", "", 200, [("2024-06-10", 3)]),
    ("X1", "smb", "2024-03-01", "2024-09-01", 400, [("2024-07-10", 2)]),
    ("E1", "enterprise", "2024-03-01", "", 500, []),
]


def landing() -> dict[str, list[dict]]:
    return {
        "customers": [
            {
                "customer_id": cid,
                "signup_date": start,
                "segment": segment,
                "plan_tier": "growth",
                "acquisition_channel": "organic",
                "country": "FI",
            }
            for cid, segment, start, *_ in ACCOUNTS
        ],
        "subscriptions": [
            {
                "subscription_id": f"S{cid}",
                "customer_id": cid,
                "plan_tier": "growth",
                "period_start": start,
                "period_end": end,
                "mrr": str(mrr),
                "currency": "EUR",
            }
            for cid, _, start, end, mrr, _ in ACCOUNTS
        ],
        "feedback": [
            {
                "response_id": f"R-{cid}-{day}",
                "customer_id": cid,
                "responded_at": f"{day}T12:00:00",
                "survey_type": "nps",
                "score": str(score),
                "channel": "email",
            }
            for cid, *_, answers in ACCOUNTS
            for day, score in answers
        ],
    }


@pytest.fixture(scope="module")
def warehouse(request, tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("nps_linkage_edges")
    with record_build(request.config, "NPS linkage edge-case warehouse"):
        build(data_dir, landing(), env=ENV, select=SELECT)
    return data_dir / "warehouse.duckdb"


def rows(warehouse: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [
            {n: (float(v) if hasattr(v, "as_tuple") else v) for n, v in zip(names, r, strict=True)}
            for r in cursor.fetchall()
        ]
    finally:
        con.close()


def one(warehouse: Path, sql: str) -> dict:
    found = rows(warehouse, sql)
    assert len(found) == 1, found
    return found[0]


def adjusted_wald(p: int, n: int, d: int, sign: int) -> float:
    """docs/metrics.md "Survey metrics": +0.75 / 1.5 / 0.75 pseudo-counts, Wald, clipped."""
    total = p + n + d + 3
    pa, da = (p + 0.75) / total, (d + 0.75) / total
    bound = 100 * ((pa - da) + sign * Z * math.sqrt((pa + da - (pa - da) ** 2) / total))
    return max(-100.0, min(100.0, bound))


# --- bug 4: nps_retention_summary under perfect separation ----------------------------------


def test_retention_interval_where_every_detractor_churned(warehouse: Path):
    # D1 (2023-02-10, 2023-03-10) and D2 (2023-03-10): all three responses churned by their
    # 12-month date. p = 0 and the clustered SE is 0, so Wald gives [0, 0]. The clustered
    # Wilson interval with the effective n (= n where p is 0 or 1, Korn & Graubard) is
    # [0, z^2 / (n + z^2)] = [0, 3.8416 / 6.8416].
    r = one(
        warehouse,
        "select * from marts.nps_retention_summary"
        " where nps_category = 'detractor' and horizon_months = 12",
    )
    assert (r["responses"], r["customers"], r["retained"]) == (3, 2, 0)
    assert r["retention_rate"] == 0.0 and r["retention_se"] == 0.0
    assert r["retention_ci_low"] == 0.0
    assert r["retention_ci_high"] == pytest.approx(Z**2 / (3 + Z**2))
    assert r["churn_rate"] == 1.0
    assert r["churn_ci_low"] == pytest.approx(3 / (3 + Z**2))
    assert r["churn_ci_high"] == 1.0
    assert r["ci_method"] == "customer_clustered_wilson"


def test_retention_interval_where_nobody_churned(warehouse: Path):
    # P1 and P2 (2023-03-10) both active on 2024-03-10: p = 1, Wald [1, 1]; Wilson
    # [n / (n + z^2), 1] = [2 / 5.8416, 1].
    r = one(
        warehouse,
        "select * from marts.nps_retention_summary"
        " where nps_category = 'promoter' and horizon_months = 12",
    )
    assert (r["responses"], r["customers"], r["retained"]) == (2, 2, 2)
    assert r["retention_rate"] == 1.0
    assert r["retention_ci_low"] == pytest.approx(2 / (2 + Z**2))
    assert r["retention_ci_high"] == 1.0
    assert (r["churn_ci_low"], r["churn_ci_high"]) == (0.0, pytest.approx(Z**2 / (2 + Z**2)))


def test_retention_interval_with_repeat_answers_uses_the_effective_n(warehouse: Path):
    # 3 months, detractors: D1 2023-02-10 and 2023-03-10 (churned 2023-05-01: not active on
    # 05-10 nor 06-10), D2 (churned), A3 (2024-06-10, active on 09-10), X1 (2024-07-10,
    # churned 2024-09-01): n = 5, r = 1, p = 0.2. Clusters (n_c, r_c): D1 (2, 0), D2 (1, 0),
    # A3 (1, 1), X1 (1, 0); sum_c (n r_c - n_c r)^2 / n^4 = (4 + 1 + 16 + 1) / 625 = 0.0352.
    # p (1 - p) / Var = 0.16 / 0.0352 = 4.545: fewer effective observations than responses, so
    # the interval is Wilson's at n_eff = 4.545 (and never narrower than at n = 5).
    r = one(
        warehouse,
        "select * from marts.nps_retention_summary"
        " where nps_category = 'detractor' and horizon_months = 3",
    )
    assert (r["responses"], r["customers"], r["retained"]) == (5, 4, 1)
    variance = 22 / 625
    assert r["retention_se"] == pytest.approx(math.sqrt(variance))
    n_eff = 0.16 / variance
    centre = (0.2 + Z**2 / (2 * n_eff)) / (1 + Z**2 / n_eff)
    half = Z / (1 + Z**2 / n_eff) * math.sqrt(0.16 / n_eff + Z**2 / (4 * n_eff**2))
    assert r["retention_ci_low"] == pytest.approx(centre - half)
    assert r["retention_ci_high"] == pytest.approx(centre + half)


# --- item 11: the NPS variants on one account set -------------------------------------------


@pytest.mark.parametrize("table", ["cx_revenue_linkage_by_segment", "cx_revenue_linkage_total"])
def test_nps_variants_count_the_active_accounts(warehouse: Path, table: str):
    # Active accounts that answered in the period: A1 promoter (ARR 1,200), A2 passive
    # (3,600), A3 detractor (2,400). X1 answered (detractor) and churned: ARR 0, not active.
    where = "segment = 'smb'" if table.endswith("by_segment") else "true"
    r = one(warehouse, f"select * from marts.{table} where {where}")
    assert r["customers"] == 3 and r["arr"] == pytest.approx(7200.0)
    # respondent NPS over the active accounts' 3 responses: 100 (1 - 1) / 3 = 0
    assert r["responses"] == 3
    assert r["nps_respondent"] == pytest.approx(0.0)
    assert r["nps_respondent_se"] == pytest.approx(100 * math.sqrt(2 / 3 / 3))
    # account NPS over the same 3 accounts: 0, adjusted Wald on (1, 1, 1)
    assert r["accounts_answered"] == 3
    assert r["nps_account"] == pytest.approx(0.0)
    assert r["nps_account_ci_low"] == pytest.approx(adjusted_wald(1, 1, 1, -1))
    assert r["nps_account_ci_high"] == pytest.approx(adjusted_wald(1, 1, 1, +1))
    # revenue-weighted over the same 3: (1,200 - 2,400) / 7,200
    m = -1200 / 7200
    assert r["nps_revenue_weighted"] == pytest.approx(100 * m)
    weights = [(1200, 1), (3600, 0), (2400, -1)]
    se = math.sqrt(sum(w * w * (s - m) ** 2 for w, s in weights)) / 7200
    assert r["nps_revenue_weighted_se"] == pytest.approx(100 * se)
    # the old reading, every account that answered including X1: 100 (1 - 2) / 4 = -25
    assert r["accounts_answered_incl_inactive"] == 4
    assert r["nps_account_incl_inactive"] == pytest.approx(-25.0)
    assert r["nps_account_incl_inactive_ci_low"] == pytest.approx(adjusted_wald(1, 1, 2, -1))
    assert r["nps_account_incl_inactive_ci_high"] == pytest.approx(adjusted_wald(1, 1, 2, +1))
    # coverage: answered ARR 7,200 of the active ARR (smb 9,600; with E1 15,600)
    active_arr = 9600.0 if table.endswith("by_segment") else 15600.0
    assert r["segment_arr"] == pytest.approx(active_arr)
    assert r["revenue_coverage"] == pytest.approx(7200 / active_arr)


# --- bug 3: no interval without an estimate ---------------------------------------------------


def test_segment_without_answers_has_no_nps_interval(warehouse: Path):
    r = one(
        warehouse, "select * from marts.cx_revenue_linkage_by_segment where segment = 'enterprise'"
    )
    assert (r["segment_customers"], r["segment_arr"]) == (1, pytest.approx(6000.0))
    for variant in ("nps_respondent", "nps_account", "nps_revenue_weighted"):
        assert r[variant] is None
        assert (r[f"{variant}_ci_low"], r[f"{variant}_ci_high"]) == (None, None), variant


def test_linkage_category_rows_have_no_segment_nps_interval(warehouse: Path):
    # the category rows of the rollup carry no segment-level NPS, so no interval either
    found = rows(
        warehouse,
        "select segment, nps_category, nps_revenue_weighted_ci_low, nps_revenue_weighted_ci_high"
        " from intermediate.int_finance__revenue_linkage_rollups"
        " where nps_category != 'all' and nps_revenue_weighted is null",
    )
    assert len(found) == 12  # (smb, enterprise, all) x 4 categories
    assert {
        (r["nps_revenue_weighted_ci_low"], r["nps_revenue_weighted_ci_high"]) for r in found
    } == {(None, None)}
