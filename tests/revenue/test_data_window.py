"""Known answers for what the data cover (marts.data_window; docs/metrics.md "Conventions shared by
every mart", As-of date and History start), on two hand-built landing zones.

**Churn on the last day** (issue 14, bug 2). Four customers billed in monthly periods from
2024-01-01, as a telco export converted to the contract looks: T1 (100 EUR) and T2 (50 EUR) leave
at the end of February (their last period is [2024-02-01, 2024-03-01)), T3 (200) and T4 (25) stay
(the last period is ongoing). Invoices on each period start. The latest period start and invoice
are 2024-02-01, the latest event is the period end 2024-03-01 (exclusive: on that day T1 and T2
are no longer customers, and the data say so). As of 2024-03-01 the March bridge has
mrr_start 375, churn 150 (T1 + T2), mrr_end 225, 2 customers churned and 2 left. The old rule
(latest response, invoice or period start) gave 2024-02-01: February's snapshot on its as-of date
with all four active, 375 MRR and no churn anywhere, the telco symptom.

**A snapshot** (item 10). Ten customers: S1..S8 all "start" on 2023-07-01, the data's first
day (the history was reconstructed from a snapshot), 100 EUR each; S1 and S2 leave on
2024-06-01. N1 is acquired on 2024-03-01 (50, ongoing) and N2 on 2024-04-10 (80, leaves
2024-09-01). As of 2024-12-31. 8 of 10 start in the first month: 80% >= 50%, so the history
looks left-truncated. Declaring CXLINK_HISTORY_STARTS_AT=2024-01-01:

- cohort_retention has the cohorts 2024-03 (N1) and 2024-04 (N2) only, not 2023-07 (8);
- the CLV window (12 months before the as-of month: 2023-12..2024-11) starts 2024-01, 11 months;
  its at-risk months (active on the month's first day) are S1, S2 Jan-May 5 each, S3..S8
  Jan-Nov 11 each, N1 Mar-Nov 9, N2 May-Aug 4: 10 + 66 + 9 + 4 = 89 with 3 churns (S1, S2 in
  May, N2 in August); without the declaration December 2023 adds 8 at-risk months: 97;
- revenue_retention_12m has no month: every base month t-12 up to 2023-12 lies before the
  history start (without it, 2024-07..2024-12 on bases 2023-07..2023-12).
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from cxlink.coverage import read_coverage
from orchestration.checks.data_window import events_after_as_of, history_left_truncated
from orchestration.resources import Warehouse
from tests.shared_builds import record_build
from tests.warehouse import build, dbt_build, query, run_dbt

pytestmark = pytest.mark.xdist_group("data_window_known_answers")

EUR = {"CXLINK_REPORTING_CURRENCY": "EUR"}
AS_OF_MARTS = "+mrr_bridge_total +data_window"
SNAPSHOT_MARTS = (
    "+int_finance__customer_months +cohort_retention +revenue_retention_12m_total +data_window"
)


def customer(customer_id: str, signup: str) -> dict:
    return {
        "customer_id": customer_id,
        "signup_date": signup,
        "segment": "smb",
        "plan_tier": "starter",
        "acquisition_channel": "organic",
        "country": "FI",
    }


def period(customer_id: str, start: str, end: str, mrr: str) -> dict:
    return {
        "subscription_id": f"S-{customer_id}",
        "customer_id": customer_id,
        "plan_tier": "starter",
        "period_start": start,
        "period_end": end,
        "mrr": mrr,
        "currency": "EUR",
    }


def invoice(customer_id: str, day: str, amount: str) -> dict:
    return {
        "invoice_id": f"I-{customer_id}-{day}",
        "customer_id": customer_id,
        "subscription_id": f"S-{customer_id}",
        "issued_at": f"{day}T09:00:00",
        "amount": amount,
        "currency": "EUR",
        "line_type": "renewal",
    }


TELCO_MRR = {"T1": "100", "T2": "50", "T3": "200", "T4": "25"}
TELCO_LEAVERS = {"T1", "T2"}
TELCO = {
    "customers": [customer(c, "2024-01-01") for c in TELCO_MRR],
    "subscriptions": [
        row
        for c, mrr in TELCO_MRR.items()
        for row in (
            period(c, "2024-01-01", "2024-02-01", mrr),
            period(c, "2024-02-01", "2024-03-01" if c in TELCO_LEAVERS else "", mrr),
        )
    ],
    "invoices": [
        invoice(c, day, mrr) for c, mrr in TELCO_MRR.items() for day in ("2024-01-01", "2024-02-01")
    ],
}

SNAPSHOT = {
    "customers": [customer(f"S{i}", "2023-07-01") for i in range(1, 9)]
    + [customer("N1", "2024-03-01"), customer("N2", "2024-04-10")],
    "subscriptions": [
        period(f"S{i}", "2023-07-01", "2024-06-01" if i <= 2 else "", "100") for i in range(1, 9)
    ]
    + [period("N1", "2024-03-01", "", "50"), period("N2", "2024-04-10", "2024-09-01", "80")],
    "invoices": [invoice("N1", "2024-03-01", "50")],
}


@pytest.fixture(scope="module")
def telco(request, tmp_path_factory):
    """Built with the derived as-of date; a copy with the as-of date set to 2024-02-15."""
    with record_build(request.config, "data window: telco-like warehouses"):
        derived = tmp_path_factory.mktemp("telco_derived")
        build(derived, TELCO, env=EUR, select=AS_OF_MARTS)
        configured = tmp_path_factory.mktemp("telco_configured")
        shutil.copy(derived / "warehouse.duckdb", configured / "warehouse.duckdb")
        run_dbt(
            configured,
            ["build", "--select", "int_calendar__as_of_dates data_window"],
            env={**EUR, "CXLINK_AS_OF_DATE": "2024-02-15"},
        )
    return derived, configured


@pytest.fixture(scope="module")
def snapshot(request, tmp_path_factory):
    """The snapshot built as it is, and again with CXLINK_HISTORY_STARTS_AT=2024-01-01."""
    env = {**EUR, "CXLINK_AS_OF_DATE": "2024-12-31"}
    with record_build(request.config, "data window: snapshot warehouses"):
        plain = tmp_path_factory.mktemp("snapshot_plain")
        build(plain, SNAPSHOT, env=env, select=SNAPSHOT_MARTS)
        declared = tmp_path_factory.mktemp("snapshot_declared")
        shutil.copy(plain / "warehouse.duckdb", declared / "warehouse.duckdb")
        dbt_build(declared, SNAPSHOT_MARTS, env={**env, "CXLINK_HISTORY_STARTS_AT": "2024-01-01"})
    return plain, declared


def coverage(data_dir):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return read_coverage(con)
    finally:
        con.close()


# --- bug 2: the as-of date counts period ends ---------------------------------------------------


def test_the_as_of_date_is_the_last_period_end(telco):
    derived, _ = telco
    assert query(
        derived,
        "select strftime(as_of_date, '%Y-%m-%d'), as_of_date_source, "
        "strftime(max_period_start_date, '%Y-%m-%d'), strftime(max_period_end_date, '%Y-%m-%d') "
        "from intermediate.int_calendar__as_of_dates",
    ) == [("2024-03-01", "derived_from_data", "2024-02-01", "2024-03-01")]


def test_customers_who_leave_on_the_last_day_churn(telco):
    derived, _ = telco
    rows = query(
        derived,
        "select strftime(month, '%Y-%m'), mrr_start, churn, mrr_end, customers_churned, "
        "customers_end from marts.mrr_bridge_total order by month",
    )
    assert rows[-1] == ("2024-03", Decimal(375), Decimal(150), Decimal(225), 2, 2)
    assert sum(r[2] for r in rows) == Decimal(150)


def test_the_data_window_is_the_events_window(telco):
    derived, _ = telco
    c = coverage(derived)
    assert (str(c.first_event_month), str(c.last_event_month)) == ("2024-01-01", "2024-03-01")
    assert c.events_after_as_of == 0
    assert events_after_as_of(warehouse=Warehouse(data_dir=str(derived))).passed is True


def test_events_after_a_configured_as_of_date_warn(telco):
    _, configured = telco
    c = coverage(configured)
    assert (str(c.as_of_date), c.as_of_date_source) == ("2024-02-15", "configured")
    assert c.events_after_as_of == 2  # the two period ends on 2024-03-01
    result = events_after_as_of(warehouse=Warehouse(data_dir=str(configured)))
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.description == (
        "2 events dated after the as-of date 2024-02-15 (the latest on 2024-03-01) count in no "
        "mart: CXLINK_AS_OF_DATE is 2024-02-15"
    )


# --- item 10: left-truncated histories ------------------------------------------------------------


def test_a_snapshot_is_detected_and_warned_about(snapshot):
    plain, declared = snapshot
    c = coverage(plain)
    assert (str(c.first_period_month), c.subscription_customers) == ("2023-07-01", 10)
    assert (c.customers_starting_in_first_month, c.first_month_share) == (8, 0.8)
    assert c.looks_left_truncated and c.history_start_source == "not_declared"
    result = history_left_truncated(warehouse=Warehouse(data_dir=str(plain)))
    assert result.passed is False and result.severity == dg.AssetCheckSeverity.WARN
    assert result.description.startswith(
        "80% of the 10 subscription customers start in the data's first month (2023-07)"
    )
    # declared: still left-truncated, but the user said so, and the marts count observed time
    assert coverage(declared).looks_left_truncated
    assert history_left_truncated(warehouse=Warehouse(data_dir=str(declared))).passed is True
    assert query(
        declared, "select history_start_source, left_truncated_customers from marts.data_window"
    ) == [("declared", 8)]


def cohorts(data_dir):
    return query(
        data_dir,
        "select strftime(cohort_month, '%Y-%m'), cohort_customers from marts.cohort_retention "
        "where months_since_start = 0 order by cohort_month",
    )


def test_left_truncated_customers_are_in_no_acquisition_cohort(snapshot):
    plain, declared = snapshot
    assert cohorts(plain) == [("2023-07", 8), ("2024-03", 1), ("2024-04", 1)]
    assert cohorts(declared) == [("2024-03", 1), ("2024-04", 1)]


def window_exposure(data_dir):
    return query(
        data_dir,
        "select strftime(w.window_start_month, '%Y-%m'), w.window_months, "
        "count(*) filter (where m.is_active_at_start), count(*) filter (where m.is_churned) "
        "from intermediate.int_finance__measurement_windows as w "
        "cross join intermediate.int_finance__customer_months as m "
        "group by all",
    )


def test_churn_windows_count_only_observed_months(snapshot):
    plain, declared = snapshot
    assert window_exposure(plain) == [("2023-12", 12, 97, 3)]
    assert window_exposure(declared) == [("2024-01", 11, 89, 3)]


def test_12_month_retention_of_a_reconstructed_base_is_not_published(snapshot):
    plain, declared = snapshot
    months = "select strftime(month, '%Y-%m') from marts.revenue_retention_12m_total order by 1"
    assert [m for (m,) in query(plain, months)] == [f"2024-{m:02d}" for m in range(7, 13)]
    assert query(declared, months) == []
