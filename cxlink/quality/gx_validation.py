"""Validate raw entities against their great-expectations suites, on the pandas path.

GX 1.x has no DuckDB dialect, so each table is read with DuckDB (read-only) into a DataFrame and
validated through an ephemeral GX context: nothing is written to disk and nothing phones home.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"


@dataclass(frozen=True)
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    examples: list

    def as_dict(self) -> dict:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "unexpected_count": self.unexpected_count,
            "examples": self.examples,
        }


@dataclass(frozen=True)
class ValidationSummary:
    entity: str
    rows: int
    success: bool
    evaluated: int
    successful: int
    unsuccessful: int
    success_percent: float
    failures: list[Failure] = field(default_factory=list)


@cache
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def suite_path(entity: str) -> Path:
    return EXPECTATIONS_DIR / f"{entity}.json"


def load_suite(entity: str):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    path = suite_path(entity)
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite for {entity}: {path} (run build_suites)")
    spec = json.loads(path.read_text(encoding="utf-8"))
    expectations = [
        ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"]).to_domain_obj()
        for e in spec["expectations"]
    ]
    return gx.ExpectationSuite(name=spec["name"], expectations=expectations)


def _batch_definition(entity: str):
    context = _context()
    name = f"raw_{entity}"
    try:
        datasource = context.data_sources.get("cxlink_raw")
    except (KeyError, ValueError):
        datasource = context.data_sources.add_pandas("cxlink_raw")
    try:
        asset = datasource.get_asset(name)
    except LookupError:
        asset = datasource.add_dataframe_asset(name)
    try:
        return asset.get_batch_definition("whole_table")
    except (KeyError, LookupError):
        return asset.add_batch_definition_whole_dataframe("whole_table")


def _exception_message(info: dict | None) -> str | None:
    """GX nests exception details per metric; return the first message found."""
    if not info:
        return None
    if "exception_message" in info:
        return info["exception_message"]
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return value["exception_message"]
    return None


def validate_dataframe(entity: str, df: pd.DataFrame) -> ValidationSummary:
    suite = load_suite(entity)
    batch = _batch_definition(entity).get_batch(batch_parameters={"dataframe": df})
    result = batch.validate(suite)
    failures = []
    for r in result.results:
        if r.success:
            continue
        kwargs = r.expectation_config.kwargs
        details = r.result or {}
        message = _exception_message(r.exception_info)
        failures.append(
            Failure(
                expectation=r.expectation_config.type,
                column=kwargs.get("column") or ",".join(kwargs.get("column_list", [])) or None,
                unexpected_count=details.get("unexpected_count"),
                examples=[str(v) for v in (details.get("partial_unexpected_list") or [])[:5]]
                or ([message] if message else []),
            )
        )
    stats = result.statistics
    return ValidationSummary(
        entity=entity,
        rows=len(df),
        success=bool(result.success),
        evaluated=int(stats["evaluated_expectations"]),
        successful=int(stats["successful_expectations"]),
        unsuccessful=int(stats["unsuccessful_expectations"]),
        success_percent=float(stats["success_percent"] or 0.0),
        failures=failures,
    )


def read_table(warehouse_path: Path, entity: str) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return con.execute(f"select * from raw.{entity}").df()
    finally:
        con.close()


def validate_table(warehouse_path: Path, entity: str) -> ValidationSummary:
    return validate_dataframe(entity, read_table(warehouse_path, entity))
