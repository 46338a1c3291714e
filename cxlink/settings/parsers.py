"""Validators of setting values: stripped text in, the typed value out, or ValueError.

Each rule accepts exactly what the code reading the value accepts (dbt's macros for the dbt vars,
Dagster for the schedule, CTranslate2 for the compute type), so a bad value fails at start.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

# CTranslate2 4.x compute types (ctranslate2.get_supported_compute_types lists a device's subset).
COMPUTE_TYPES = (
    "auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
    "float16", "bfloat16", "float32",
)  # fmt: skip


def as_text(value: Any) -> str:
    """A parsed value back as text, in the form its parser accepts ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        shortest = repr(value)  # never an exponent: dbt pastes it into SQL
        return shortest if "e" not in shortest else format(value, ".20f").rstrip("0")
    return str(value)


def path(text: str) -> Path:
    # Absolute, so dbt (which runs inside dbt_project/) and Dagster resolve the same file.
    return Path(text).expanduser().resolve()


def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: parse(text) if text else None


def iso_date(text: str) -> date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(text)
    return date.fromisoformat(text)


def whole(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]+", text) or int(text) < minimum:
            raise ValueError(text)
        return int(text)

    return parse


def decimal(low: float, high: float, high_included: bool) -> Callable[[str], float]:
    # Plain decimals only (no exponent): dbt pastes the text into SQL as a numeric literal.
    def parse(text: str) -> float:
        value = float(text) if re.fullmatch(r"[0-9]*\.?[0-9]+", text) else float("nan")
        if not (low < value < high or (high_included and value == high)):
            raise ValueError(text)
        return value

    return parse


def choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.lower() not in options:
            raise ValueError(text)
        return text.lower()

    return parse


_SCORES = r"\s*([1-5])(?:\s*-\s*([1-5]))?\s*"


def csat_nps_mapping(text: str) -> str:
    """``promoter/passive/detractor`` ranges of the 1-5 CSAT scale, e.g. ``5/4/1-3``: three
    non-empty ranges from 5 down to 1 without gaps (macros/csat_ces.sql checks the same for
    standalone dbt runs). Returned normalised (``4-5/3/1-2``)."""
    match = re.fullmatch("/".join([_SCORES] * 3), text)
    if not match:
        raise ValueError(text)
    groups = match.groups()
    ranges = [(int(groups[i]), int(groups[i + 1] or groups[i])) for i in (0, 2, 4)]
    ranges = [(min(a, b), max(a, b)) for a, b in ranges]
    (p_low, p_high), (n_low, n_high), (d_low, d_high) = ranges
    if (p_high, n_high, d_high, d_low) != (5, p_low - 1, n_low - 1, 1):
        raise ValueError(text)
    return "/".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def currency(text: str) -> str:
    # The landing contract's list: the reporting currency must be one an amount can be in.
    from cxlink.iso_codes import ISO_4217

    if text.upper() not in ISO_4217:
        raise ValueError(text)
    return text.upper()


# Five cron fields: (lowest, highest, names); day of week 7 is Sunday too.
_CRON_FIELDS = (
    (0, 59, ()),
    (0, 23, ()),
    (1, 31, ()),
    (1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    (0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_CRON_ALIASES = ("@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually")
CRON_HELP = (
    "five cron fields (minute hour day-of-month month day-of-week) such as '0 6 * * *', "
    "or @hourly, @daily, @weekly, @monthly"
)


def _cron_value(text: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if text.lower() in names:
        return names.index(text.lower()) + low
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def _cron_field(text: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    for item in text.split(","):
        span, _, step = item.partition("/")
        if step and not (step.isdigit() and int(step) >= 1):
            return False
        if span == "*":
            continue
        first, _, last = span.partition("-")
        a = _cron_value(first, low, high, names)
        b = _cron_value(last, low, high, names) if last else a
        if a is None or b is None:  # a reversed range wraps around, as in croniter
            return False
    return True


def cron(text: str) -> str:
    """The cron strings Dagster schedules accept (5 fields, no seconds; a test compares)."""
    parts = text.split()
    if text.lower() in _CRON_ALIASES:
        return text
    if len(parts) != 5 or not all(
        _cron_field(part, *spec) for part, spec in zip(parts, _CRON_FIELDS, strict=True)
    ):
        raise ValueError(text)
    if parts[3] in ("2", "feb") and parts[2] in ("30", "31"):  # never fires
        raise ValueError(text)
    return text


def timezone(text: str) -> str:
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(text) from err
    return text
