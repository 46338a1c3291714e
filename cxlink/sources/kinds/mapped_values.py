"""Turning one export cell into contract text, for the ``mapped_file`` kind: numbers with a
decimal comma or thousands separators, dates and timestamps in the export's own format and time
zone, Excel serial dates, value maps and score scales.

A value that does not fit the configured format is never guessed: ``Problem`` names the column,
the value and the option, and the row is quarantined with that rule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

UNIX_FORMATS = ("unix", "unix_ms")
YAML_BOOLS = {True: ("true", "yes", "on"), False: ("false", "no", "off")}


class Problem(Exception):
    """A value that cannot become contract text: the row is quarantined with ``rule``."""

    def __init__(self, rule: str, detail: str):
        self.rule = rule
        self.detail = detail
        super().__init__(detail)


def cell_text(value: Any) -> str | None:
    """A cell as plain text: trimmed, empty -> None, numbers without float noise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value).replace("\u00a0", " ").replace("\u202f", " ").strip()
    return text or None


@dataclass(frozen=True)
class ValueMap:
    """Export value -> contract value; looked up exactly, then ignoring case and spaces."""

    entries: dict[str, str | None]
    default: str | None = None
    has_default: bool = False
    folded: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def parse(cls, column: str, spec: Any) -> ValueMap:
        if not isinstance(spec, dict) or not spec:
            raise ValueError(
                f"option value_maps.{column} must map export values to contract values"
            )
        has_default = set(spec) <= {"map", "default"} and isinstance(spec.get("map"), dict)
        entries = spec["map"] if has_default else spec
        pairs: dict[str, str | None] = {}
        for key, value in entries.items():
            if isinstance(value, bool):
                raise ValueError(
                    f"option value_maps.{column}: YAML read {key}'s value as {value}; quote it "
                    '(e.g. "NO" for Norway, "yes")'
                )
            # YAML reads unquoted yes/no/on/off/true/false keys as booleans: match each spelling
            spellings = YAML_BOOLS[key] if isinstance(key, bool) else (cell_text(key) or "",)
            pairs.update(dict.fromkeys(spellings, cell_text(value)))
        return cls(
            entries=pairs,
            default=cell_text(spec.get("default")) if has_default else None,
            has_default=has_default and "default" in spec,
            folded={_fold(k): v for k, v in pairs.items()},
        )

    def lookup(self, column: str, text: str) -> str | None:
        if text in self.entries:
            return self.entries[text]
        if _fold(text) in self.folded:
            return self.folded[_fold(text)]
        if self.has_default:
            return self.default
        known = ", ".join(repr(k) for k in list(self.entries)[:8])
        raise Problem(
            "unmapped_value",
            f"{column}: {text!r} is not in value_maps.{column} (it maps {known}); add it to the "
            "map or give the map a default",
        )


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def parse_scale(text: str) -> tuple[Decimal, Decimal]:
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(?:-|\.\.|to)\s*(-?\d+(?:\.\d+)?)\s*", text)
    if not match or Decimal(match[1]) >= Decimal(match[2]):
        raise ValueError(
            f"option score_scale={text!r} is not allowed: use the export's range as low-high, "
            "e.g. 1-5 or 0-100"
        )
    return Decimal(match[1]), Decimal(match[2])


@dataclass(frozen=True)
class Formats:
    decimal: str = "."
    thousands: str | None = None
    date_format: str | None = None
    timestamp_format: str | None = None
    timezone: str = "UTC"
    epoch: datetime | None = None  # an XLSX workbook's epoch: numbers in date cells are serials

    def number(self, column: str, value: Any) -> str | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return cell_text(value)
        text = cell_text(value)
        if text is None:
            return None
        thousands = re.escape(self.thousands) if self.thousands else None
        decimal = re.escape(self.decimal)
        whole = rf"\d{{1,3}}(?:{thousands}\d{{3}})+|\d+" if thousands else r"\d+"
        match = re.fullmatch(rf"([+-]?)\s*((?:{whole})?)(?:{decimal}(\d+))?", text)
        if not match or not (match[2] or match[3]):
            raise Problem(
                "invalid_number",
                f"{column}: {text!r} is not a number written with decimal {self.decimal!r}"
                + (f" and thousands {self.thousands!r}" if self.thousands else "")
                + " (options decimal, thousands)",
            )
        sign, digits, fraction = match[1], match[2] or "0", match[3]
        digits = digits.replace(self.thousands or "\0", "")
        return f"{'-' if sign == '-' else ''}{digits}" + (f".{fraction}" if fraction else "")

    def date(self, column: str, value: Any) -> str | None:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if (
            self.epoch is not None
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            return self._serial(value).date().isoformat()
        text = cell_text(value)
        if text is None or not self.date_format:
            return text  # ISO 8601 expected: the contract's invalid_date rule checks it
        try:
            return datetime.strptime(text, self.date_format).date().isoformat()
        except ValueError:
            raise Problem(
                "invalid_date",
                f"{column}: {text!r} does not match date_format {self.date_format!r}",
            ) from None

    def timestamp(self, column: str, value: Any) -> str | None:
        if isinstance(value, datetime):
            return self._utc(value)
        if isinstance(value, date):
            return self._utc(datetime.combine(value, time()))
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and self.timestamp_format not in UNIX_FORMATS and self.epoch is not None:
            return self._utc(self._serial(value))
        text = cell_text(value)
        if text is None:
            return None
        if self.timestamp_format in UNIX_FORMATS:
            return self._unix(column, text)
        if self.timestamp_format:
            for pattern in (self.timestamp_format, self.date_format):
                if pattern:
                    try:
                        return self._utc(datetime.strptime(text, pattern))
                    except ValueError:
                        pass
            formats = " or ".join(repr(p) for p in (self.timestamp_format, self.date_format) if p)
            raise Problem("invalid_timestamp", f"{column}: {text!r} does not match {formats}")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            if not self.date_format:
                return text  # the contract's invalid_timestamp rule reports it
            try:
                return self._utc(datetime.strptime(text, self.date_format))
            except ValueError:
                raise Problem(
                    "invalid_timestamp",
                    f"{column}: {text!r} is neither ISO 8601 nor date_format {self.date_format!r}",
                ) from None
        return self._utc(parsed)

    def _unix(self, column: str, text: str) -> str:
        try:
            seconds = Decimal(text)
        except ArithmeticError:
            raise Problem(
                "invalid_timestamp",
                f"{column}: {text!r} is not a Unix time (timestamp_format {self.timestamp_format})",
            ) from None
        if self.timestamp_format == "unix_ms":
            seconds /= 1000
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=float(seconds))
        return self._utc(moment)

    def _serial(self, value: float) -> datetime:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value, epoch=self.epoch)

    def _utc(self, moment: datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(self.timezone))
        moment = moment.astimezone(UTC)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        if moment.microsecond:
            text += f".{moment.microsecond:06d}"
        return text + "+00:00"


def scale_score(
    low: Decimal, high: Decimal, target: tuple[int, int] | None, text: str | None
) -> str | None:
    """A score on the export's low..high scale, linearly onto the contract's range for the
    row's survey type, rounded half up to a whole number."""
    if text is None or target is None:
        return text  # nothing to scale; an unknown survey type is the contract's unknown_enum
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text  # the contract's invalid_number rule reports it
    if not low <= value <= high:
        raise Problem(
            "score_out_of_scale",
            f"score: {text} is outside the export's scale {low}-{high} (option score_scale)",
        )
    t_low, t_high = target
    scaled = t_low + (value - low) * (t_high - t_low) / (high - low)
    return str(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))
