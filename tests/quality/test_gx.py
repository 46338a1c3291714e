"""The great-expectations suites: in sync with the contract, pass on good data, fail on bad."""

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cxlink.contract import ENTITIES
from cxlink.quality.build_suites import EXPECTATIONS_DIR, render
from cxlink.quality.gx_validation import validate_dataframe, validate_table
from orchestration.checks.gx_checks import build_gx_check
from orchestration.resources import Warehouse

GOOD_FEEDBACK = """
    select * from (values
        ('R1', 'C1', timestamp '2024-03-01 10:00:00', 'nps', 10, 'Great', 'en', 'email', 'f.csv', 1),
        ('R2', 'C1', timestamp '2024-03-02 10:00:00', 'csat', 5, null, null, 'web', 'f.csv', 2),
        ('R3', 'C2', timestamp '2024-03-03 10:00:00', 'ces', 7, null, null, 'sms', 'f.csv', 3)
    ) t(response_id, customer_id, responded_at, survey_type, score, comment, language, channel,
        _source_file, _source_row)
"""


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_committed_suites_match_the_contract(entity: str):
    committed = (EXPECTATIONS_DIR / f"{entity}.json").read_text(encoding="utf-8")
    assert committed == render(ENTITIES[entity]), "run: python -m cxlink.quality.build_suites"


def feedback(con: duckdb.DuckDBPyConnection, replace: str = "") -> None:
    con.execute("create schema if not exists raw")
    con.execute(f"create or replace table raw.feedback as {GOOD_FEEDBACK}")
    if replace:
        con.execute(replace)


def test_good_feedback_passes(tmp_path: Path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        feedback(con)
    summary = validate_table(path, "feedback")
    assert summary.success and summary.unsuccessful == 0 and summary.rows == 3


@pytest.mark.parametrize(
    ("bad_sql", "expectation", "column"),
    [
        (
            "update raw.feedback set response_id = 'R1'",
            "expect_column_values_to_be_unique",
            "response_id",
        ),
        (
            "update raw.feedback set score = 6 where survey_type = 'csat'",
            "expect_column_values_to_be_between",
            "score",
        ),
        (
            "update raw.feedback set channel = 'fax' where response_id = 'R2'",
            "expect_column_values_to_be_in_set",
            "channel",
        ),
        (
            "update raw.feedback set responded_at = timestamp '1850-01-01 00:00:00'",
            "expect_column_values_to_be_between",
            "responded_at",
        ),
        (
            "update raw.feedback set customer_id = null where response_id = 'R3'",
            "expect_column_values_to_not_be_null",
            "customer_id",
        ),
    ],
)
def test_bad_feedback_fails_naming_the_expectation(tmp_path: Path, bad_sql, expectation, column):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        feedback(con, bad_sql)
    summary = validate_table(path, "feedback")
    assert not summary.success
    assert (expectation, column) in [(f.expectation, f.column) for f in summary.failures]


def test_unknown_currency_fails_subscriptions():
    import pandas as pd

    df = pd.DataFrame(
        {
            "subscription_id": ["S1", "S1"],
            "customer_id": ["C1", "C1"],
            "plan_tier": ["pro", "pro"],
            "period_start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "period_end": pd.to_datetime(["2024-02-01", None]),
            "mrr": [10.0, 12.0],
            "currency": ["EUR", "XXY"],
            "_source_file": ["s.csv", "s.csv"],
            "_source_row": [1, 2],
        }
    )
    summary = validate_dataframe("subscriptions", df)
    assert [(f.expectation, f.column, f.examples) for f in summary.failures] == [
        ("expect_column_values_to_be_in_set", "currency", ["XXY"])
    ]


@pytest.mark.parametrize("bad", [False, True])
def test_check_blocks_through_dagster(tmp_path: Path, bad: bool):
    @dg.asset(key=dg.AssetKey(["raw", "feedback"]))
    def raw_feedback(warehouse: Warehouse) -> None:
        with warehouse.connect() as con:
            feedback(con, "update raw.feedback set score = 11" if bad else "")

    result = dg.materialize(
        [raw_feedback, build_gx_check("feedback")],
        resources={"warehouse": Warehouse(data_dir=str(tmp_path))},
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == "gx_raw_feedback"
    assert evaluation.passed is (not bad)
    # score 11 breaks the nps, csat and ces range expectations (one row each)
    assert evaluation.metadata["unsuccessful"].value == (3 if bad else 0)
    assert result.success is (not bad)  # blocking: a failed check fails the run
