"""How the workbook shows a column: its Excel number format, chosen from the column's unit.

The unit is the column's dbt ``meta.unit`` (manifest.UNITS); a column without one gets a
unit from its SQL type (``fallback_unit``). ``render`` approximates the text Excel shows for a
value in that format; the workbook fits its column widths to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")
INTEGER_TYPES += ("UINTEGER", "UBIGINT", "UHUGEINT")
NUMERIC_PREFIXES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC")
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class CellFormat:
    unit: str
    number_format: str
    render: Callable[[Any], str]  # the text Excel shows for a (non-null) value

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers or dates (right-aligned, and so is its header)."""
        return self.number_format != TEXT_FORMAT and self.unit != "flag"


def is_integer_type(data_type: str) -> bool:
    return data_type.upper() in INTEGER_TYPES


def is_numeric_type(data_type: str) -> bool:
    return is_integer_type(data_type) or data_type.upper().startswith(NUMERIC_PREFIXES)


def fallback_unit(name: str, data_type: str) -> str:
    """A unit for a column whose yml has none, from its SQL type ('decimal' is a number shown
    with 2 to 4 decimals, so a small rate of an undocumented column stays readable)."""
    kind = data_type.upper()
    if kind == "DATE":
        return "month" if "month" in name.lower() else "date"
    if kind.startswith("TIMESTAMP"):
        return "timestamp"
    if kind == "BOOLEAN":
        return "flag"
    if is_integer_type(kind):
        return "count"
    if is_numeric_type(kind):
        return "decimal"
    return "text"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _numeric(pattern: Callable[[float], str]) -> Callable[[Any], str]:
    def render(value: Any) -> str:
        number = _number(value)
        return str(value) if number is None else pattern(number)

    return render


def _dated(pattern: str) -> Callable[[Any], str]:
    def render(value: Any) -> str:
        return value.strftime(pattern) if isinstance(value, date | datetime) else str(value)

    return render


def _text(value: Any) -> str:
    return "TRUE" if value is True else "FALSE" if value is False else str(value)


def _decimal(number: float) -> str:
    # '#,##0.00##': two decimals at least, up to four
    text = f"{number:,.4f}"
    return text[:-2] + text[-2:].rstrip("0")


def cell_format(unit: str | None, name: str, data_type: str, currency: str) -> CellFormat:
    """The format of column ``name`` (SQL ``data_type``) of unit ``unit`` (None: from the
    type); money shows ``currency`` (an ISO 4217 code)."""
    unit = unit or fallback_unit(name, data_type)
    whole = is_integer_type(data_type)
    if unit == "money":
        code = currency.replace('"', "")
        return CellFormat(
            unit,
            f'#,##0.00 "{code}";[Red]-#,##0.00 "{code}"',
            _numeric(lambda v: f"{v:,.2f} {code}"),
        )
    if unit == "fraction":
        return CellFormat(unit, "0.0%", _numeric(lambda v: f"{v * 100:.1f}%"))
    if unit == "probability":
        return CellFormat(unit, "0.0000", _numeric(lambda v: f"{v:.4f}"))
    if unit == "count":
        return CellFormat(unit, "#,##0", _numeric(lambda v: f"{v:,.0f}"))
    if unit == "nps_points":
        return CellFormat(unit, "+0.0;-0.0;0.0", _numeric(lambda v: f"{v:+.1f}"))
    if unit == "sentiment":
        return CellFormat(unit, "+0.00;-0.00;0.00", _numeric(lambda v: f"{v:+.2f}"))
    if unit == "ratio":
        return CellFormat(unit, '0.00"x"', _numeric(lambda v: f"{v:.2f}x"))
    if unit in ("months", "days", "number"):
        if whole:
            return CellFormat(unit, "#,##0", _numeric(lambda v: f"{v:,.0f}"))
        if unit == "number":
            return CellFormat(unit, "#,##0.00", _numeric(lambda v: f"{v:,.2f}"))
        return CellFormat(unit, "#,##0.0", _numeric(lambda v: f"{v:,.1f}"))
    if unit == "decimal":
        return CellFormat(unit, "#,##0.00##", _numeric(_decimal))
    if unit == "date":
        return CellFormat(unit, "yyyy-mm-dd", _dated("%Y-%m-%d"))
    if unit == "month":
        return CellFormat(unit, "yyyy-mm", _dated("%Y-%m"))
    if unit == "timestamp":
        return CellFormat(unit, "yyyy-mm-dd hh:mm:ss", _dated("%Y-%m-%d %H:%M:%S"))
    if unit == "flag":
        return CellFormat(unit, "General", _text)
    # dimension, text, currency: shown as they are (text typed as text; a numeric dimension,
    # such as a horizon in months, as its number)
    return CellFormat(unit, "General" if is_numeric_type(data_type) else TEXT_FORMAT, _text)
