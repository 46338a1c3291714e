"""The churn bound test of the clv_* marts (int_finance__clv_rollups) admits cells whose churn cannot be measured.

A subscription cell whose customers all started in the window's last month has no at-risk
customer-months, so its monthly_churn is null (no rate); `subscription_churn_at_most_one` used
to count that null as a failure, which failed `cxlink run` on small demos (150 customers, seed
12; 100 and 200 customers, seed 42).
"""

from __future__ import annotations

import duckdb
import yaml

from cxlink.settings import DBT_PROJECT_DIR

MODELS_YML = DBT_PROJECT_DIR / "models" / "marts" / "finance" / "_finance__models.yml"


def churn_bound_expression() -> str:
    for model in yaml.safe_load(MODELS_YML.read_text())["models"]:
        for column in model.get("columns", []):
            for test in column.get("data_tests", []):
                spec = test.get("expression_is_true", {}) if isinstance(test, dict) else {}
                if spec.get("name") == "subscription_churn_at_most_one":
                    return spec["arguments"]["expression"]
    raise AssertionError(f"no subscription_churn_at_most_one test in {MODELS_YML}")


def test_null_churn_passes_and_churn_above_one_fails():
    rows = [
        ("subscription", None, "no at-risk months"),
        ("subscription", 0.04, "a rate"),
        ("subscription", 1.5, "impossible"),
        ("one_time", 2.0, "a lapse rate can exceed 1"),
    ]
    con = duckdb.connect()
    con.execute("create table cells (billing_model varchar, monthly_churn double, why varchar)")
    con.executemany("insert into cells values (?, ?, ?)", rows)
    # the generic test's own rule (tests/generic/expression_is_true.sql): null is a failure
    failing = con.execute(
        f"select why from cells where not coalesce(({churn_bound_expression()}), false)"
    ).fetchall()
    assert failing == [("impossible",)]
