"""A failed great-expectations result as a JSON-serialisable dict (for asset-check metadata)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

# How many unexpected values a failure reports.
EXAMPLES = 5


def failure(result: Any) -> dict[str, Any]:
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
