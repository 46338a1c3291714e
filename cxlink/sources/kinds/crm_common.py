"""What the CRM kinds (hubspot, salesforce, salesforce_report) share: which vendor field feeds
which ``customers`` column, value maps, country names to ISO 3166-1 alpha-2, CRM dates to
``YYYY-MM-DD`` and Salesforce's 15 -> 18 character ids. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from cxlink.iso_codes import ISO_3166_ALPHA2
from cxlink.sources.options import Option

# customers column -> the option word that names the vendor field feeding it
COLUMNS: tuple[tuple[str, str], ...] = (
    ("customer_id", "customer_id"),
    ("signup_date", "signup_date"),
    ("segment", "segment"),
    ("plan_tier", "tier"),
    ("acquisition_channel", "channel"),
    ("country", "country"),
    ("persona", "persona"),
    ("email", "email"),
    ("name", "name"),
)
NORMALIZED = {"segment": "segment", "plan_tier": "tier", "acquisition_channel": "channel"}


def field_options(suffix: str, defaults: Mapping[str, str | None], what: str) -> list[Option]:
    """One text option per customers column, e.g. ``segment_property`` (default ``segment``)."""
    out = []
    for column, word in COLUMNS:
        default = defaults.get(word)
        unset = "" if default else " (default: not read)"
        out.append(
            Option(
                f"{word}_{suffix}",
                "text",
                default,
                f"the {what} that feeds customers.{column}{unset}",
            )
        )
    return out


def value_options(channel_defaults: Mapping[str, str] | None = None) -> list[Option]:
    return [
        Option("segment_values", "mapping", {}, "vendor value -> contract segment"),
        Option("tier_values", "mapping", {}, "vendor value -> contract plan_tier"),
        Option(
            "channel_values",
            "mapping",
            {},
            "vendor value -> acquisition_channel (added to / overriding the kind's own map"
            + (
                ": " + ", ".join(f"{k} -> {v}" for k, v in channel_defaults.items())
                if channel_defaults
                else ""
            )
            + ")",
        ),
        Option("country_values", "mapping", {}, "vendor country text -> ISO alpha-2 code"),
        Option(
            "normalize_values",
            "bool",
            True,
            "unmapped segment/tier/channel values in snake_case (`Paid Search` -> paid_search)",
        ),
        Option(
            "constants",
            "mapping",
            {},
            "customers column -> value used when the record's field is empty or not read",
        ),
    ]


def text(value: Any) -> str | None:
    """A vendor value as trimmed text; empty, null and whitespace are None."""
    if value is None or isinstance(value, dict | list):
        return None
    out = str(value).strip()
    return out or None


def snake(value: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", value.lower()).strip("_") or value


def mapped(value: str | None, mapping: Mapping[str, Any], normalize: bool) -> str | None:
    if value is None:
        return None
    if value in mapping:
        return text(mapping[value])
    return snake(value) if normalize else value


# Names CRMs commonly hold that pycountry's ISO names do not match.
_ALIASES = {
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "USA": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "RUSSIA": "RU",
    "TURKEY": "TR",
    "THE NETHERLANDS": "NL",
    "HOLLAND": "NL",
    "SOUTH KOREA": "KR",
    "IVORY COAST": "CI",
    "MACEDONIA": "MK",
    "BRUNEI": "BN",
    "CAPE VERDE": "CV",
    "SWAZILAND": "SZ",
    "BURMA": "MM",
}


def country_code(value: str | None, overrides: Mapping[str, Any]) -> str | None:
    """ISO alpha-2 for a CRM's country text ("Germany", "DE", "DEU", "United States"); text that
    is no known country is returned as it is, so the contract quarantines it (unknown_country)."""
    if value is None:
        return None
    if value in overrides:
        return text(overrides[value])
    upper = value.upper()
    if upper in ISO_3166_ALPHA2:
        return upper
    if upper in _ALIASES:
        return _ALIASES[upper]
    import pycountry

    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        return value


_EPOCH_MS = re.compile(r"^\d{11,14}$")


def iso_date(value: str | None, date_format: str | None = None) -> str | None:
    """``YYYY-MM-DD`` (UTC) from an ISO date, an ISO datetime with ``Z``/``+0000``/``+00:00``,
    epoch milliseconds (HubSpot), or ``date_format`` (a report's locale, e.g. ``%m/%d/%Y``).
    Text that is none of these is returned unchanged: the contract quarantines it
    (invalid_date)."""
    if value is None:
        return None
    if _EPOCH_MS.match(value):
        return datetime.fromtimestamp(int(value) / 1000, UTC).date().isoformat()
    if date_format:
        for fmt in (date_format, f"{date_format} %I:%M %p", f"{date_format} %H:%M"):
            try:
                return datetime.strptime(value, fmt).date().isoformat()
            except ValueError:
                continue
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fixed = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)  # Salesforce's +0000
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date().isoformat()


_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID15 = re.compile(r"^[0-9A-Za-z]{15}$")


def salesforce_id18(value: str) -> str:
    """Salesforce's case-insensitive 18-character id of a 15-character one: for each 5-character
    chunk, bit i is set when character i is an upper-case letter; the 5-bit number picks one of
    A-Z0-5. Other values (18-character ids, non-ids) are returned unchanged."""
    if not _ID15.match(value):
        return value
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(value[start : start + 5]) if "A" <= ch <= "Z")
        suffix += _SUFFIX[bits]
    return value + suffix


def customer_values(
    options: Mapping[str, Any],
    suffix: str,
    get: Callable[[str], Any],
    channel_defaults: Mapping[str, str] | None = None,
    date_format: str | None = None,
) -> dict[str, str | None]:
    """The customers row of one CRM record: ``get(field name)`` reads the record's field named
    by each ``<word>_<suffix>`` option; value maps, countries and dates as documented."""
    values: dict[str, str | None] = {}
    constants = options.get("constants") or {}
    normalize = options.get("normalize_values", True)
    for column, word in COLUMNS:
        field = options.get(f"{word}_{suffix}")
        value = text(get(field)) if field else None
        if value is None:
            value = text(constants.get(column))
        if column in NORMALIZED:
            mapping = dict(channel_defaults or {}) if column == "acquisition_channel" else {}
            mapping.update(options.get(f"{NORMALIZED[column]}_values") or {})
            value = mapped(value, mapping, normalize)
        elif column == "country":
            value = country_code(value, options.get("country_values") or {})
        elif column == "signup_date":
            value = iso_date(value, date_format)
        values[column] = value
    return values


def field_names(options: Mapping[str, Any], suffix: str) -> list[str]:
    """The vendor fields the options name, in column order, without repeats."""
    names: list[str] = []
    for _, word in COLUMNS:
        field = options.get(f"{word}_{suffix}")
        if field and field not in names:
            names.append(field)
    return names
