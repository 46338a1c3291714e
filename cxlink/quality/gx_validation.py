"""Validate ``raw.<entity>`` tables against their great-expectations suites, on the pandas path.

GX 1.x has no DuckDB dialect, so a table is read with DuckDB (read-only) into a pandas DataFrame
and validated through an ephemeral GX context: nothing is written to disk, analytics and progress
bars are off. The suites are ``expectations/<entity>.json`` (see ``build_suites``).

No Dagster here: ``orchestration/checks/gx_checks.py`` wraps these functions in asset checks.

Costs (2-core machine): importing great_expectations takes 3.5-5 s, so it happens on first
use, not when this module is imported; the GX context is built once per process (milliseconds).
A 1,000,000-row feedback table validates in about 4-5 s (0.4 s of it reading through Arrow,
raw_frames.py; failed expectations are reported by gx_results.py).
Memory: the whole table is held as a DataFrame, and GX's row-condition filters, uniqueness and
batch fingerprint add copies: about 1 GB peak for that table (a 130 MB DataFrame), so allow
roughly 6-8x the frame's size.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxlink.quality.gx_results import failure
from cxlink.quality.raw_frames import check_entity, fast_dtypes, read_table

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
DATASOURCE_NAME = "cxlink_raw"
BATCH_DEFINITION_NAME = "whole_table"

_lock = threading.Lock()


@dataclass(frozen=True)
class ValidationSummary:
    """The outcome of one suite on one table.

    ``failures``: one JSON-serialisable dict per failed expectation: ``expectation`` (GX type),
    ``column`` (``a,b`` for several), ``rule`` (the quarantine rule it mirrors, or None),
    ``condition`` (its row condition, e.g. ``survey_type == nps``, or None),
    ``unexpected_count``, ``partial_unexpected_list`` (the first 5 unexpected values),
    ``observed_value`` (table- and type-level expectations) and ``exception`` (the message when
    GX could not evaluate the expectation, which then counts as failed).
    """

    entity: str
    suite: str
    rows: int
    success: bool
    evaluated: int
    successful: int
    unsuccessful: int
    success_percent: float
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def failures_markdown(self) -> str:
        if not self.failures:
            return "All expectations passed."
        lines = [
            "| expectation | column | rule | unexpected | examples |",
            "|---|---|---|---|---|",
        ]
        for f in self.failures:
            if f["exception"]:
                examples = f"error: {f['exception']}"
            elif f["partial_unexpected_list"]:
                examples = ", ".join(str(v) for v in f["partial_unexpected_list"])
            else:
                examples = f"observed: {f['observed_value']}"
            column = f["column"] or ""
            if f["condition"]:
                column += f" where {f['condition']}"
            cells = [
                f["expectation"],
                column,
                f["rule"] or "",
                "" if f["unexpected_count"] is None else str(f["unexpected_count"]),
                examples,
            ]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines)


def suite_path(entity: str) -> Path:
    check_entity(entity)
    return EXPECTATIONS_DIR / f"{entity}.json"


def load_suite(entity: str) -> gx.ExpectationSuite:
    """The suite of an entity, read from ``expectations/<entity>.json`` (not cached: edits count)."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    path = suite_path(entity)
    if not path.exists():
        raise FileNotFoundError(
            f"no expectation suite for {entity}: {path} (python -m cxlink.quality.build_suites)"
        )
    spec = json.loads(path.read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        # month_not_first_day uses a pandas condition string on purpose (build_suites.ROW_RULES)
        warnings.filterwarnings(
            "ignore",
            r"(The condition_parser|Passing a string to the row_condition)",
            DeprecationWarning,
        )
        expectations = [
            ExpectationConfiguration(
                type=e["type"], kwargs=e.get("kwargs", {}), meta=e.get("meta")
            ).to_domain_obj()
            for e in spec["expectations"]
        ]
    return gx.ExpectationSuite(
        name=spec.get("name", f"raw_{entity}"), expectations=expectations, meta=spec.get("meta")
    )


@cache
def gx_context() -> Any:
    """One ephemeral GX context per process: in memory, no analytics, no progress bars."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_pandas(DATASOURCE_NAME)
    return context


@cache
def _batch_definition(entity: str) -> Any:
    datasource = gx_context().data_sources.get(DATASOURCE_NAME)
    asset = datasource.add_dataframe_asset(f"raw_{entity}")
    return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)


def validate_dataframe(entity: str, df: pd.DataFrame) -> ValidationSummary:
    """Validate a DataFrame holding ``raw.<entity>`` against the entity's suite."""
    started = time.perf_counter()
    suite = load_suite(entity)
    frame = fast_dtypes(df)
    with _lock:  # one context per process: validate one frame at a time
        batch = _batch_definition(entity).get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format="SUMMARY")
    stats = result.statistics
    return ValidationSummary(
        entity=entity,
        suite=suite.name,
        rows=len(df),
        success=bool(result.success),
        evaluated=int(stats["evaluated_expectations"]),
        successful=int(stats["successful_expectations"]),
        unsuccessful=int(stats["unsuccessful_expectations"]),
        success_percent=float(stats["success_percent"] or 0.0),
        failures=[failure(r) for r in result.results if not r.success],
        seconds=round(time.perf_counter() - started, 3),
    )


def validate_table(warehouse_path: Path | str, entity: str) -> ValidationSummary:
    """Validate ``raw.<entity>`` of a DuckDB warehouse file against the entity's suite."""
    return validate_dataframe(entity, read_table(warehouse_path, entity))
