"""Validate ``raw.<entity>`` tables against their great-expectations suites, on the pandas path.

GX 1.x has no DuckDB dialect, so a table is read with DuckDB (read-only) into a pandas DataFrame
and validated through an ephemeral GX context: nothing is written to disk, analytics and progress
bars are off. The suites are ``expectations/<entity>.json`` (see ``build_suites``).

No Dagster here: ``orchestration/checks/gx_checks.py`` wraps these functions in asset checks.

Costs (2-core machine): importing great_expectations takes 3.5-5 s, so it happens on first
use, not when this module is imported; the GX context is built once per process (milliseconds).
A 1,000,000-row feedback table validates in about 4-5 s (0.4 s of it reading through Arrow).
Memory: the whole table is held as a DataFrame, and GX's row-condition filters, uniqueness and
batch fingerprint add copies: about 1 GB peak for that table (a 130 MB DataFrame), so allow
roughly 6-8x the frame's size.
"""

from __future__ import annotations

import json
import math
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxlink.contract import ENTITIES

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
DATASOURCE_NAME = "cxlink_raw"
BATCH_DEFINITION_NAME = "whole_table"
# How many unexpected values a failure reports.
EXAMPLES = 5

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def failed_expectations(self) -> list[str]:
        return [f["expectation"] for f in self.failures]

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
    _check_entity(entity)
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
    frame = _fast_dtypes(df)
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
        failures=[_failure(r) for r in result.results if not r.success],
        seconds=round(time.perf_counter() - started, 3),
    )


def _fast_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with dtypes GX 1.24 compares vectorised; the values are unchanged.

    GX's ``column_values.between`` metric is vectorised only for ``int64``/``float64`` and
    nanosecond datetimes; any other dtype is compared value by value in Python, 5-10x slower
    (DuckDB gives ``datetime64[us]`` and 32-bit integers). Integers without nulls become
    ``int64`` (with nulls they stay nullable: the not-null expectation fails anyway).
    Datetimes become nanoseconds only when every value fits (1677..2262): an implausible date
    outside that range keeps its unit and still fails, on the slower path.
    """
    import numpy as np
    import pandas as pd

    changed: dict[str, pd.Series] = {}
    for name, column in df.items():
        dtype = column.dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):
            if dtype.kind in "iu" and not column.hasnans and _fits_int64(column):
                changed[name] = column.to_numpy(dtype=np.int64)
        elif dtype.kind in "iu" and dtype != np.int64 and _fits_int64(column):
            changed[name] = column.astype(np.int64)
        elif dtype.kind == "M" and dtype != "datetime64[ns]":
            low, high = column.min(), column.max()
            if pd.isna(low) or (
                pd.Timestamp.min.as_unit("ns") <= low and high <= pd.Timestamp.max.as_unit("ns")
            ):
                changed[name] = column.astype("datetime64[ns]")
    return df.assign(**changed) if changed else df


def _fits_int64(column: pd.Series) -> bool:
    import numpy as np

    return column.dtype.kind == "i" or column.empty or column.max() <= np.iinfo(np.int64).max


def read_table(warehouse_path: Path | str, entity: str) -> pd.DataFrame:
    """``raw.<entity>`` as a DataFrame, read through a read-only DuckDB connection.

    Read through Arrow (about 8x faster than ``.df()`` on string columns), with DuckDB's own
    mapping otherwise: DECIMAL -> float64, DATE and TIMESTAMP -> datetime64, VARCHAR -> str;
    integers become pandas nullable integers (numpy ones again in ``_fast_dtypes`` when they
    hold no nulls).
    """
    import duckdb

    _check_entity(entity)
    path = Path(warehouse_path)
    if not path.exists():
        raise FileNotFoundError(f"warehouse {path} does not exist")
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = ?",
            [entity],
        ).fetchall()[0][0]
        if not found:
            raise LookupError(f"{path} has no table raw.{entity}")
        table = con.sql(f'select * from raw."{entity}"').to_arrow_table()
    finally:
        con.close()
    return _arrow_to_pandas(table)


def _arrow_to_pandas(table: Any) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa

    for i, column in enumerate(table.schema):
        if pa.types.is_decimal(column.type):
            table = table.set_column(i, column.name, table.column(i).cast(pa.float64()))
    nullable = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
    }
    return table.to_pandas(date_as_object=False, types_mapper=nullable.get)


def validate_table(warehouse_path: Path | str, entity: str) -> ValidationSummary:
    """Validate ``raw.<entity>`` of a DuckDB warehouse file against the entity's suite."""
    return validate_dataframe(entity, read_table(warehouse_path, entity))


def _check_entity(entity: str) -> None:
    if entity not in ENTITIES:
        raise KeyError(f"unknown entity {entity!r}; expected one of {', '.join(ENTITIES)}")


def _failure(result: Any) -> dict[str, Any]:
    config = result.expectation_config
    kwargs = config.kwargs
    details = result.result or {}
    exception = None
    for info in _exception_infos(result.exception_info):
        if info.get("raised_exception"):
            exception = info.get("exception_message")
            break
    columns = [kwargs.get(k) for k in ("column", "column_A", "column_B") if kwargs.get(k)]
    columns += list(kwargs.get("column_list") or [])
    return {
        "expectation": config.type,
        "column": ",".join(columns) or None,
        "rule": (config.meta or {}).get("rule"),
        "condition": _condition_text(kwargs.get("row_condition")),
        "unexpected_count": _jsonable(details.get("unexpected_count")),
        "partial_unexpected_list": [
            _jsonable(v) for v in (details.get("partial_unexpected_list") or [])[:EXAMPLES]
        ],
        "observed_value": _jsonable(details.get("observed_value")),
        "exception": exception,
    }


def _condition_text(condition: Any) -> str | None:
    """A row condition as text: ``survey_type == nps``, or a pandas condition string."""
    if condition is None or isinstance(condition, str):
        return condition
    if isinstance(condition, dict):
        from great_expectations.expectations.row_conditions import deserialize_row_condition

        condition = deserialize_row_condition(condition)
    return getattr(condition, "pass_through_filter", None) or repr(condition)


def _exception_infos(info: Any) -> list[dict]:
    """GX reports one exception dict, or a dict of them keyed by metric."""
    if not info:
        return []
    if "raised_exception" in info:
        return [info]
    return [v for v in info.values() if isinstance(v, dict)]


def _jsonable(value: Any) -> Any:
    """A JSON-serialisable form of a value from a GX result (numpy, pandas, dates)."""
    import numpy as np
    import pandas as pd

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    return str(value)
