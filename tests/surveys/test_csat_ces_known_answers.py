"""Known-answer tests for the CSAT and CES marts and the CSAT-to-NPS-category mapping
(docs/metrics.md "CSAT and CES").

The account is the finance known account (tests/known_account.py, as of 2025-01-31) run as a
**CSAT-only programme**: every NPS answer is replaced by a 1-5 CSAT answer that the default
mapping (promoter 5, passive 4, detractor 1-3) puts in the same category, plus four CES answers.
So the linkage marts, fed by mapped CSAT, must give the known account's hand-computed figures
(tests/finance/test_known_answers.py), labelled category_source = 'csat_mapped'.

    CSAT answers (customer, date, score; the NPS answer it replaces):
      P1 2023-12-15 5 (9), 2024-06-15 5 (10)   P2 2024-01-10 5 (9)    D1 2024-01-05 1 (3)
      D2 2023-11-20 2 (5), 2024-11-20 3 (6)    N1 2024-01-20 4 (7), 2024-10-10 4 (8)
      N2 2024-05-05 5 (10), 2024-12-05 2 (4)
    CES answers (1-7, 7 = easy by default): P1 2024-06-20 7, D1 2024-01-06 2,
      N1 2024-10-12 4, N2 2024-12-06 6

A second warehouse adds CSAT answers to the NPS account itself, to check which categories a
company with both kinds of answer gets (CXLINK_CSAT_AS_NPS).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from tests.known_account import AS_OF, landing_rows
from tests.shared_builds import record_build
from tests.warehouse import build, dbt_build

pytestmark = pytest.mark.xdist_group("csat_ces_known_answers")

Z = 1.96
ENV = {"CXLINK_AS_OF_DATE": AS_OF.isoformat(), "CXLINK_REPORTING_CURRENCY": "EUR"}
# the CX marts and the linkage marts with everything upstream of them
SELECT = (
    "+path:models/marts/cx +cx_revenue_linkage +cx_revenue_linkage_overall "
    "+cx_revenue_linkage_by_segment +cx_revenue_linkage_total"
)
NPS_TO_CSAT = {10: 5, 9: 5, 8: 4, 7: 4, 6: 3, 5: 2, 4: 2, 3: 1}
CES = [
    ("P1", "2024-06-20", 7),
    ("D1", "2024-01-06", 2),
    ("N1", "2024-10-12", 4),
    ("N2", "2024-12-06", 6),
]


def answer(response_id: str, customer_id: str, day: str, survey_type: str, score: int) -> dict:
    return {
        "response_id": response_id,
        "customer_id": customer_id,
        "responded_at": f"{day}T12:00:00",
        "survey_type": survey_type,
        "score": str(score),
        "channel": "email",
    }


def csat_only_rows() -> dict[str, list[dict]]:
    rows = landing_rows()
    csat = [
        answer(r["response_id"], r["customer_id"], r["responded_at"][:10], "csat",
               NPS_TO_CSAT[int(r["score"])])
        for r in rows["feedback"]
    ]  # fmt: skip
    ces = [answer(f"C{i}", cid, day, "ces", score) for i, (cid, day, score) in enumerate(CES)]
    return {**rows, "feedback": csat + ces}


def rows_of(warehouse: Path, sql: str) -> list[dict]:
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
    found = rows_of(warehouse, sql)
    assert len(found) == 1, found
    return found[0]


def wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n))
    return centre - half, centre + half


def mean_figures(scores: list[int]) -> tuple[float, float, float]:
    """mean, sample sd, SE."""
    n = len(scores)
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    return mean, sd, sd / math.sqrt(n)


@contextmanager
def rebuilt_with(data_dir: Path, select: str, settings: dict[str, str]) -> Iterator[Path]:
    """``select`` rebuilt with ``settings``, then rebuilt with the defaults again (also when the
    test fails), so the module's other tests see the default warehouse."""
    try:
        dbt_build(data_dir, select, env={**ENV, **settings})
        yield data_dir / "warehouse.duckdb"
    finally:
        dbt_build(data_dir, select, env=ENV)


@pytest.fixture(scope="module")
def csat_only(request, tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("csat_only")
    with record_build(request.config, "CSAT-only known account (dbt)"):
        build(data_dir, csat_only_rows(), env=ENV, select=SELECT)
    return data_dir


@pytest.fixture(scope="module")
def warehouse(csat_only: Path) -> Path:
    return csat_only / "warehouse.duckdb"


# --- CSAT marts -----------------------------------------------------------------------------------
ALL_CSAT = [5, 5, 5, 1, 2, 3, 4, 4, 5, 2]


def test_csat_overall_windows(warehouse: Path):
    r = one(warehouse, "select * from marts.csat_overall where period = 'all_time'")
    # satisfied (4-5): P1 x2, P2, N1 x2, N2 2024-05 = 6; neutral: D2 3; dissatisfied: D1, D2 2, N2 2
    assert (r["responses"], r["satisfied"], r["neutral"], r["dissatisfied"]) == (10, 6, 1, 3)
    assert r["satisfied_share"] == pytest.approx(0.6)
    low, high = wilson(6, 10)
    assert (r["satisfied_ci_low"], r["satisfied_ci_high"]) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    # mean 36 / 10; sd sqrt((10 x 150 - 36^2) / (10 x 9)) = sqrt(204 / 90)
    mean, sd, se = mean_figures(ALL_CSAT)
    assert r["mean_score"] == pytest.approx(3.6) == pytest.approx(mean)
    assert r["score_sd"] == pytest.approx(math.sqrt(204 / 90)) == pytest.approx(sd)
    assert r["mean_se"] == pytest.approx(se)
    assert r["mean_ci_low"] == pytest.approx(3.6 - Z * se)
    assert r["mean_ci_high"] == pytest.approx(3.6 + Z * se)
    # last 12 months = 2024-02-01 .. 2025-01-31: P1 5, N2 5, N1 4, D2 3, N2 2
    r = one(warehouse, "select * from marts.csat_overall where period = 'last_12_months'")
    assert (r["responses"], r["satisfied"], r["neutral"], r["dissatisfied"]) == (5, 3, 1, 1)
    assert r["mean_score"] == pytest.approx(19 / 5)
    # last 3 months = 2024-11-01 ..: D2 3, N2 2: nobody satisfied, Wilson's lower bound is 0
    r = one(warehouse, "select * from marts.csat_overall where period = 'last_3_months'")
    assert (r["responses"], r["satisfied"], r["satisfied_share"]) == (2, 0, 0.0)
    assert r["satisfied_ci_low"] == 0.0
    assert r["satisfied_ci_high"] == pytest.approx(wilson(0, 2)[1])
    # mean 2.5, sd sqrt(0.5), SE 0.5; the interval 2.5 -/+ 0.98 lies inside 1-5
    assert (r["mean_score"], r["mean_se"]) == (pytest.approx(2.5), pytest.approx(0.5))
    assert r["mean_ci_low"] == pytest.approx(2.5 - Z * 0.5)


def test_csat_monthly_by_month_and_segment(warehouse: Path):
    months = {
        str(r["response_month"]): r
        for r in rows_of(warehouse, "select * from marts.csat_monthly_overall")
    }
    # 2023-11 D2, 2023-12 P1, 2024-01 P2 5, D1 1, N1 4, 2024-05 N2, 2024-06 P1, 2024-10 N1,
    # 2024-11 D2, 2024-12 N2
    assert len(months) == 8
    january = months["2024-01-01"]
    assert (january["responses"], january["satisfied"], january["dissatisfied"]) == (3, 2, 1)
    assert january["satisfied_share"] == pytest.approx(2 / 3)
    assert january["mean_score"] == pytest.approx(10 / 3)
    # one answer: a share with its Wilson interval, a mean without SE or interval
    november = months["2023-11-01"]
    assert (november["responses"], november["satisfied_share"], november["mean_score"]) == (
        1,
        0.0,
        2.0,
    )
    assert (november["score_sd"], november["mean_se"], november["mean_ci_low"]) == (
        None,
        None,
        None,
    )
    assert "score_sum" not in january and "grouping_id" not in january
    # every customer is smb: the segment table repeats the month totals
    by_segment = rows_of(warehouse, "select * from marts.csat_monthly_by_segment")
    assert {r["segment"] for r in by_segment} == {"smb"}
    assert sum(r["responses"] for r in by_segment) == 10


def test_csat_retention_by_band(warehouse: Path):
    rows = {
        (r["csat_band"], r["horizon_months"]): r
        for r in rows_of(warehouse, "select * from marts.csat_retention")
    }
    # 12 months: latest answers on or before 2024-01-31: P1 5, P2 5, N1 4 (all retained), D1 1
    # (churned 2024-04-01), D2 2 (retained)
    satisfied, dissatisfied = rows["satisfied", 12], rows["dissatisfied", 12]
    assert (satisfied["customers"], satisfied["retained"]) == (3, 3)
    assert satisfied["retention_ci_high"] == 1.0
    assert satisfied["retention_ci_low"] == pytest.approx(wilson(3, 3)[0])
    assert (dissatisfied["customers"], dissatisfied["retained"]) == (2, 1)
    assert dissatisfied["churn_rate"] == pytest.approx(0.5)
    assert dissatisfied["churn_ci_low"] == pytest.approx(1 - wilson(1, 2)[1])
    assert dissatisfied["churn_gap_vs_satisfied"] == pytest.approx(0.5)
    assert ("neutral", 12) not in rows
    # 3 months (answers on or before 2024-10-31): satisfied P1 (06-15), P2, N1 (10-10), N2
    # (05-05), all retained; dissatisfied D1 (gone 2024-04-01 < 04-05) and D2 (2023-11-20)
    assert (rows["satisfied", 3]["customers"], rows["satisfied", 3]["retained"]) == (4, 4)
    assert (rows["dissatisfied", 3]["customers"], rows["dissatisfied", 3]["retained"]) == (2, 1)
    assert satisfied["ci_method"] == "wilson"


# --- CES marts ------------------------------------------------------------------------------------


def test_ces_overall_with_seven_easy(warehouse: Path):
    r = one(warehouse, "select * from marts.ces_overall where period = 'all_time'")
    # 7 = easy: low effort 5-7 (P1 7, N2 6), neutral 4 (N1), high effort 1-3 (D1 2)
    assert (r["responses"], r["low_effort"], r["neutral"], r["high_effort"]) == (4, 2, 1, 1)
    assert r["low_effort_share"] == pytest.approx(0.5)
    low, high = wilson(2, 4)
    assert (r["low_effort_ci_low"], r["low_effort_ci_high"]) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    mean, sd, se = mean_figures([7, 2, 4, 6])
    assert (r["mean_score"], r["score_sd"], r["mean_se"]) == (
        pytest.approx(4.75),
        pytest.approx(sd),
        pytest.approx(se),
    )
    assert r["mean_ci_high"] == pytest.approx(min(7.0, mean + Z * se))
    assert r["ces_easy_end"] == "high"
    month = one(
        warehouse, "select * from marts.ces_monthly_overall where response_month = '2024-12-01'"
    )
    assert (month["responses"], month["low_effort"], month["mean_score"]) == (1, 1, 6.0)
    # 12 months: only D1's answer (2024-01-06, 2: high effort) has reached its horizon; D1 left
    r = one(warehouse, "select * from marts.ces_retention where horizon_months = 12")
    assert (r["ces_band"], r["customers"], r["retained"], r["churn_rate"]) == (
        "high_effort",
        1,
        0,
        1.0,
    )
    assert r["churn_gap_vs_low_effort"] is None  # nobody low-effort observed at 12 months yet
    # 3 months (answers by 2024-10-31): P1 7 (retained), N1 4 (retained), D1 2 (gone)
    rows = {
        r["ces_band"]: r
        for r in rows_of(warehouse, "select * from marts.ces_retention where horizon_months = 3")
    }
    assert {band: (r["customers"], r["retained"]) for band, r in rows.items()} == {
        "low_effort": (1, 1),
        "neutral": (1, 1),
        "high_effort": (1, 0),
    }
    assert rows["high_effort"]["churn_gap_vs_low_effort"] == pytest.approx(1.0)


def test_ces_direction_is_configuration(csat_only: Path):
    # 1 = easy: low effort 1-3 is D1's 2; P1 7 and N2 6 are high effort
    select = "int_surveys__csat_ces_responses+,+ces_overall"
    with rebuilt_with(csat_only, select, {"CXLINK_CES_EASY_END": "low"}) as warehouse:
        r = one(warehouse, "select * from marts.ces_overall where period = 'all_time'")
    assert (r["low_effort"], r["neutral"], r["high_effort"], r["ces_easy_end"]) == (1, 1, 2, "low")
    assert r["mean_score"] == pytest.approx(4.75)  # the scale itself is not turned


# --- the mapped categories in the linkage marts --------------------------------------------------


def linkage(warehouse: Path, table: str, category: str | None = None) -> dict:
    where = f"nps_category = '{category}'" if category else "true"
    return one(warehouse, f"select * from marts.{table} where {where}")


def test_csat_only_company_fills_the_linkage_marts_from_mapped_categories(warehouse: Path):
    # the known account's figures (tests/finance/test_known_answers.py), from CSAT answers
    promoters = linkage(warehouse, "cx_revenue_linkage_overall", "promoter")
    detractors = linkage(warehouse, "cx_revenue_linkage_overall", "detractor")
    assert promoters["category_source"] == detractors["category_source"] == "csat_mapped"
    assert (promoters["cohort_customers"], promoters["cohort_churned"]) == (2, 0)
    assert (detractors["cohort_customers"], detractors["cohort_churned"]) == (2, 1)
    assert detractors["logo_churn_rate"] == pytest.approx(0.5)
    assert detractors["nrr"] == pytest.approx(0.5)
    # the CLV inputs by category come from the same source: promoters' 27 at-risk months
    assert (promoters["at_risk_months"], promoters["churned_months"]) == (27, 1)
    total = linkage(warehouse, "cx_revenue_linkage_total")
    assert total["category_source"] == "csat_mapped"
    assert total["churn_gap_detractor_vs_promoter"] == pytest.approx(0.5)
    assert total["revenue_at_risk"] == pytest.approx(1920.0)
    assert total["retention_slope"] == pytest.approx(0.25)
    by_segment = linkage(warehouse, "cx_revenue_linkage_by_segment")
    assert by_segment["category_source"] == "csat_mapped"
    cells = rows_of(warehouse, "select distinct category_source from marts.cx_revenue_linkage")
    assert cells == [{"category_source": "csat_mapped"}]


def test_csat_only_company_has_no_nps_marts_filled(warehouse: Path):
    # mapped answers feed the linkage, never a published NPS
    assert one(warehouse, "select count(*) as n from marts.nps_monthly_overall")["n"] == 0
    r = one(warehouse, "select * from marts.nps_overall where period = 'all_time'")
    assert (r["responses"], r["nps"]) == (0, None)
    assert one(warehouse, "select count(*) as n from marts.nps_retention_summary")["n"] == 0


def test_the_mapping_is_configuration(csat_only: Path):
    # 4-5 / 3 / 1-2: N1's 4s become promoters, D2's 2023 answer (2) stays a detractor
    select = "int_surveys__nps_responses_categorized+,+cx_revenue_linkage_overall"
    with rebuilt_with(csat_only, select, {"CXLINK_CSAT_NPS_MAPPING": "4-5/3/1-2"}) as warehouse:
        promoters = linkage(warehouse, "cx_revenue_linkage_overall", "promoter")
        passives = linkage(warehouse, "cx_revenue_linkage_overall", "passive")
    assert (promoters["cohort_customers"], promoters["cohort_churned"]) == (3, 0)
    assert passives["cohort_customers"] == 0


# --- a company with both NPS and CSAT ------------------------------------------------------------


@pytest.fixture(scope="module")
def nps_and_csat(request, tmp_path_factory) -> Path:
    """The NPS known account plus CSAT answers: P2 (no NPS answer after the cohort date) gives
    CSAT 1 on 2024-12-01, D1 CSAT 5 on 2024-01-06 (after its NPS 3)."""
    rows = landing_rows()
    extra = [
        answer("S1", "P2", "2024-12-01", "csat", 1),
        answer("S2", "D1", "2024-01-06", "csat", 5),
    ]
    data_dir = tmp_path_factory.mktemp("nps_and_csat")
    with record_build(request.config, "NPS + CSAT known account (dbt)"):
        build(data_dir, {**rows, "feedback": rows["feedback"] + extra}, env=ENV,
              select="+cx_revenue_linkage_overall +cx_revenue_linkage_total +csat_overall")  # fmt: skip
    return data_dir


def test_with_nps_loaded_auto_keeps_nps_categories(nps_and_csat: Path):
    warehouse = nps_and_csat / "warehouse.duckdb"
    detractors = linkage(warehouse, "cx_revenue_linkage_overall", "detractor")
    assert detractors["category_source"] == "nps"
    # the known account's NPS figures: D1 stays a detractor, P2 has no category
    assert (detractors["cohort_customers"], detractors["cohort_churned"]) == (2, 1)
    assert linkage(warehouse, "cx_revenue_linkage_total")["revenue_at_risk"] == pytest.approx(
        1920.0
    )
    # the CSAT answers still have their own mart
    assert (
        one(warehouse, "select * from marts.csat_overall where period = 'all_time'")["responses"]
        == 2
    )


def test_always_adds_mapped_csat_to_the_nps_categories(nps_and_csat: Path):
    select = (
        "int_surveys__nps_responses_categorized+,+cx_revenue_linkage_overall "
        "int_surveys__nps_responses_categorized+,+cx_revenue_linkage_total"
    )
    with rebuilt_with(nps_and_csat, select, {"CXLINK_CSAT_AS_NPS": "always"}) as warehouse:
        detractors = linkage(warehouse, "cx_revenue_linkage_overall", "detractor")
        promoters = linkage(warehouse, "cx_revenue_linkage_overall", "promoter")
        total = linkage(warehouse, "cx_revenue_linkage_total")
    assert detractors["category_source"] == "nps_and_csat_mapped"
    # D1's latest answer before the cohort date is now CSAT 5 (promoter): D1's churn moves over
    assert (promoters["cohort_customers"], promoters["cohort_churned"]) == (3, 1)
    assert (detractors["cohort_customers"], detractors["cohort_churned"]) == (1, 0)
    # P2 answered (CSAT 1) in the period: a current detractor, ARR 1080 on top of 3840
    assert total["detractor_arr"] == pytest.approx(3840.0 + 1080.0)
