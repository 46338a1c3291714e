"""Suites on DuckDB warehouses: good tables pass, each kind of bad row fails by name."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.quality.gx_validation import load_suite, validate_dataframe, validate_table
from tests.warehouse import GOOD_ROWS
from tests.warehouse import write_raw_warehouse as write_warehouse

BETWEEN = "expect_column_values_to_be_between"
IN_SET = "expect_column_values_to_be_in_set"


@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_warehouse(tmp_path_factory.mktemp("good") / "warehouse.duckdb")


@pytest.mark.parametrize("entity", ENTITY_ORDER)
def test_good_tables_pass(good_warehouse: Path, entity: str):
    summary = validate_table(good_warehouse, entity)
    assert summary.failures == []
    assert summary.success and summary.unsuccessful == 0 and summary.success_percent == 100.0
    assert summary.evaluated == summary.successful == len(load_suite(entity).expectations)
    assert summary.rows == len(GOOD_ROWS[entity])


# (entity, SQL that spoils the good table, failures expected: (expectation, column, rule))
BAD_CASES = {
    "duplicate_response_id": (
        "feedback",
        "update raw.feedback set response_id = 'R1' where response_id = 'R2'",
        [("expect_column_values_to_be_unique", "response_id", "duplicate_key")],
    ),
    "nps_score_11": (
        "feedback",
        "update raw.feedback set score = 11 where response_id = 'R1'",
        [(BETWEEN, "score", "score_out_of_range")],
    ),
    "csat_score_6": (
        "feedback",
        "update raw.feedback set score = 6 where response_id = 'R2'",
        [(BETWEEN, "score", "score_out_of_range")],
    ),
    "responded_1850": (
        "feedback",
        "update raw.feedback set responded_at = timestamp '1850-01-01' where response_id = 'R3'",
        [(BETWEEN, "responded_at", "implausible_date")],
    ),
    # outside pandas' nanosecond range: compared on GX's slower per-value path
    "responded_0202": (
        "feedback",
        "update raw.feedback set responded_at = timestamp '0202-01-01' where response_id = 'R3'",
        [(BETWEEN, "responded_at", "implausible_date")],
    ),
    "channel_fax": (
        "feedback",
        "update raw.feedback set channel = 'fax' where response_id = 'R4'",
        [(IN_SET, "channel", "unknown_enum")],
    ),
    "customer_id_null": (
        "feedback",
        "update raw.feedback set customer_id = null where response_id = 'R4'",
        [("expect_column_values_to_not_be_null", "customer_id", "required_missing")],
    ),
    "extra_column": (
        "feedback",
        "alter table raw.feedback add column extra varchar",
        [("expect_table_columns_to_match_set", None, None)],
    ),
    "duplicate_customer_id": (
        "customers",
        "update raw.customers set customer_id = 'C1' where customer_id = 'C3'",
        [("expect_column_values_to_be_unique", "customer_id", "duplicate_key")],
    ),
    "unknown_country": (
        "customers",
        "update raw.customers set country = 'XX' where customer_id = 'C2'",
        [(IN_SET, "country", "unknown_country")],
    ),
    "signup_on_exclusive_max": (
        "customers",
        "update raw.customers set signup_date = date '2100-01-01' where customer_id = 'C2'",
        [(BETWEEN, "signup_date", "implausible_date")],
    ),
    "unknown_currency": (
        "invoices",
        "update raw.invoices set currency = 'ABC' where invoice_id = 'I3'",
        [(IN_SET, "currency", "unknown_currency")],
    ),
    "amount_not_numeric": (
        "invoices",
        "alter table raw.invoices alter amount type varchar",
        [("expect_column_values_to_be_in_type_list", "amount", "invalid_number")],
    ),
    "duplicate_subscription_period": (
        "subscriptions",
        "update raw.subscriptions set period_start = date '2023-01-15', period_end = null "
        "where plan_tier = 'business'",
        [("expect_compound_columns_to_be_unique", "subscription_id,period_start", "duplicate_key")],
    ),
    "period_end_before_start": (
        "subscriptions",
        "update raw.subscriptions set period_end = date '2022-01-01' where subscription_id = 'S2'",
        [
            (
                "expect_column_pair_values_a_to_be_greater_than_b",
                "period_end,period_start",
                "period_end_not_after_start",
            )
        ],
    ),
    "negative_mrr": (
        "subscriptions",
        "update raw.subscriptions set mrr = -1 where subscription_id = 'S2'",
        [(BETWEEN, "mrr", "negative_mrr")],
    ),
    "month_not_first_day": (
        "marketing_spend",
        "update raw.marketing_spend set month = date '2023-02-15' where month = date '2023-02-01'",
        [("expect_column_values_to_be_null", "month", "month_not_first_day")],
    ),
    "unknown_cost_type": (
        "service_costs",
        "update raw.service_costs set cost_type = 'catering' where currency = 'USD'",
        [(IN_SET, "cost_type", "unknown_enum")],
    ),
    "zero_rate": (
        "fx_rates",
        "update raw.fx_rates set rate_to_reporting = 0 where currency = 'USD'",
        [(BETWEEN, "rate_to_reporting", "non_positive_rate")],
    ),
    "ticket_closed_before_opened": (
        "support_tickets",
        "update raw.support_tickets set closed_at = timestamp '2024-03-04 08:59:59' "
        "where ticket_id = 'T1'",
        [
            (
                "expect_column_pair_values_a_to_be_greater_than_b",
                "closed_at,opened_at",
                "closed_before_opened",
            )
        ],
    ),
    "ticket_csat_6": (
        "support_tickets",
        "update raw.support_tickets set csat_score = 6 where ticket_id = 'T3'",
        [(BETWEEN, "csat_score", "csat_score_out_of_range")],
    ),
    "ticket_priority_critical": (
        "support_tickets",
        "update raw.support_tickets set priority = 'critical' where ticket_id = 'T2'",
        [(IN_SET, "priority", "unknown_enum")],
    ),
    "usage_week_on_a_sunday": (
        "product_usage",
        "update raw.product_usage set week = date '2024-03-10' where active_users = 0",
        [("expect_column_values_to_be_null", "week", "week_not_monday")],
    ),
    "usage_negative_seats_and_events": (
        "product_usage",
        "update raw.product_usage set seats = -1, key_events = -2 where customer_id = 'C2'",
        [(BETWEEN, "seats", "negative_count"), (BETWEEN, "key_events", "negative_count")],
    ),
    "usage_duplicate_customer_week": (
        "product_usage",
        "update raw.product_usage set week = date '2024-03-04' where active_users = 0",
        [("expect_compound_columns_to_be_unique", "customer_id,week", "duplicate_key")],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_tables_fail_naming_the_expectation(tmp_path: Path, case: str):
    entity, spoil, expected = BAD_CASES[case]
    path = write_warehouse(tmp_path / "warehouse.duckdb", spoil, entities=[entity])
    summary = validate_table(path, entity)
    assert not summary.success
    assert [(f["expectation"], f["column"], f["rule"]) for f in summary.failures] == expected
    assert summary.unsuccessful == len(expected) == summary.evaluated - summary.successful
    json.dumps(dataclasses.asdict(summary))  # metadata-ready


def test_failure_reports_count_and_first_five_values(tmp_path: Path):
    path = write_warehouse(
        tmp_path / "w.duckdb",
        "insert into raw.feedback select 'X' || i, 'C1', timestamp '2024-01-01', 'nps', 12, "
        "null, null, 'email', 'f', i from range(8) t(i)",
        entities=["feedback"],
    )
    summary = validate_table(path, "feedback")
    (failure,) = summary.failures
    assert failure["unexpected_count"] == 8
    assert failure["partial_unexpected_list"] == [12] * 5
    assert failure["condition"] == "survey_type == nps"
    assert "score where survey_type == nps" in summary.failures_markdown()


def test_empty_table_passes(tmp_path: Path):
    """fx_rates is optional: with no landing files raw.fx_rates exists but is empty."""
    path = write_warehouse(tmp_path / "w.duckdb", "delete from raw.fx_rates", entities=["fx_rates"])
    summary = validate_table(path, "fx_rates")
    assert summary.success and summary.rows == 0


def test_missing_table_and_missing_file_are_errors(tmp_path: Path):
    path = write_warehouse(tmp_path / "w.duckdb", entities=["customers"])
    with pytest.raises(LookupError, match=r"raw\.feedback"):
        validate_table(path, "feedback")
    with pytest.raises(FileNotFoundError):
        validate_table(tmp_path / "nowhere.duckdb", "feedback")
    with pytest.raises(KeyError, match="unknown entity"):
        validate_table(path, "orders")


def test_validate_table_leaves_the_warehouse_writable(tmp_path: Path):
    import duckdb

    path = write_warehouse(tmp_path / "w.duckdb", entities=["customers"])
    validate_table(path, "customers")
    with duckdb.connect(str(path)) as con:  # the read-only connection was closed
        con.execute("delete from raw.customers")


def test_validate_dataframe_accepts_a_plain_pandas_frame():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "currency": ["USD", "usd"],
            "rate_to_reporting": [0.92, 1.1],
            "_source_file": ["fx.csv", "fx.csv"],
            "_source_row": [1, 2],
        }
    )
    summary = validate_dataframe("fx_rates", frame)
    assert [(f["column"], f["partial_unexpected_list"]) for f in summary.failures] == [
        ("currency", ["usd"])
    ]
