"""The landing contract's rules as SQL: typed values from text, and the row-level violations.

validate.py assembles these into the statements that split landing rows into raw and
quarantine. A row's first broken rule is the earliest in ``RULES``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cxlink.contract import (
    DUCKDB_TYPES,
    FUTURE_TOLERANCE,
    PLAUSIBLE_DATE_MAX,
    PLAUSIBLE_DATE_MIN,
    Entity,
)
from cxlink.duckdb_sql import quote_identifier, quote_literal
from cxlink.iso_codes import ISO_639_1, ISO_3166_ALPHA2, ISO_4217

# Rule names, in the order a row's first broken rule is reported. Documented in the README.
RULES: tuple[str, ...] = (
    "malformed_record",
    "required_missing",
    "invalid_date",
    "invalid_timestamp",
    "invalid_number",
    "number_out_of_range",
    "implausible_date",
    "date_in_future",
    "unknown_enum",
    "unknown_currency",
    "unknown_country",
    "score_out_of_range",
    "period_end_not_after_start",
    "negative_mrr",
    "month_not_first_day",
    "non_positive_rate",
    "closed_before_opened",
    "csat_score_out_of_range",
    "week_not_monday",
    "negative_count",
    "orphan_customer_id",
    "duplicate_key",
)


def text_column(column: str) -> str:
    return quote_identifier(f"_text_{column}")


def typed_value(entity: Entity, column: str, table: str | None = None) -> str:
    """Typed value of a column from its trimmed text (NULL when empty or unparseable);
    ``table``: the alias the column is read from."""
    col = entity.column(column)
    source = f"{table}.{quote_identifier(column)}" if table else quote_identifier(column)
    value = f"nullif(trim({source}), '')"
    if col.type == "date":
        return f"try_cast({value} as date)"
    if col.type == "timestamp":
        # Offsets are honoured and converted to UTC; naive timestamps are taken as UTC
        # (the session time zone is set to UTC before this runs).
        return f"cast(try_cast({value} as timestamptz) at time zone 'UTC' as timestamp)"
    if col.type in ("decimal", "rate"):
        return f"try_cast({value} as {DUCKDB_TYPES[col.type]})"
    if col.type == "integer":
        # try_cast: a whole number beyond INTEGER is NULL (number_out_of_range), not an error
        number = f"try_cast({value} as decimal(18, 4))"
        return f"case when {number} = trunc({number}) then try_cast({number} as integer) end"
    if col.type in ("currency", "country"):
        return f"upper({value})"
    if col.type == "language":
        # the primary subtag of a BCP 47 tag ("EN-us", "pt_BR"), when it is an ISO 639-1 code
        code = f"regexp_extract(lower({value}), {quote_literal(LANGUAGE_TAG)}, 1)"
        return f"case when {code} in {_in_list(ISO_639_1)} then {code} end"
    return value


# A language tag: two letters, then optional subtags (region, script) after - or _.
LANGUAGE_TAG = r"^([a-z]{2})([-_][a-z0-9]{1,8})*$"

# Rules that clear one value instead of quarantining its row: the row is published with the
# value null and the value is recorded in quarantine.cleared_values. Documented in the README.
CLEARING_RULES: tuple[str, ...] = ("unknown_language",)


def clearings(entity: Entity) -> list[tuple[str, str, str, str]]:
    """(column, rule, SQL condition on the typed row, SQL detail) for every clearing rule."""
    out = []
    for col in entity.columns:
        if col.type == "language":
            text = text_column(col.name)
            out.append(
                (
                    col.name,
                    "unknown_language",
                    f"nullif(trim({text}), '') is not null and {quote_identifier(col.name)} is null",
                    f"{quote_literal(col.name + ': ')} || {text} || "
                    f"{quote_literal(' is not an ISO 639-1 code; published as null')}",
                )
            )
    return out


# The range of each numeric contract type's DuckDB type: (low, high), inclusive for INTEGER;
# a DECIMAL(p, s) holds |x| < 10^(p - s).
INTEGER_RANGE = (-(2**31), 2**31 - 1)


def out_of_range(entity: Entity, column: str) -> str | None:
    """SQL condition: the column's text is a finite number that its type cannot hold."""
    col = entity.column(column)
    if col.type not in ("decimal", "rate", "integer"):
        return None
    number = f"try_cast(nullif(trim({text_column(column)}), '') as double)"
    if col.type == "integer":
        low, high = INTEGER_RANGE
        beyond = f"({number} < {low} or {number} > {high})"
    else:
        precision, scale = map(int, re.findall(r"\d+", DUCKDB_TYPES[col.type]))
        beyond = f"abs({number}) >= 1e{precision - scale}"
    return f"{quote_identifier(column)} is null and isfinite({number}) and {beyond}"


def _in_list(values) -> str:
    return "(" + ", ".join(quote_literal(v) for v in sorted(values)) + ")"


def future_cutoff(loaded_at: datetime | None = None) -> datetime:
    """The latest instant a date may have: the load time (now, by default) plus the tolerance,
    in UTC without a time zone (as typed timestamps are)."""
    loaded = (loaded_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    return (loaded + FUTURE_TOLERANCE).replace(microsecond=0)


def _tolerance_text() -> str:
    days = FUTURE_TOLERANCE.days
    return f"{days} day" + ("s" if days != 1 else "")


def violations(entity: Entity, loaded_at: datetime | None = None) -> list[tuple[str, str, str]]:
    """(rule, SQL condition on the typed row, SQL detail expression) for every row-level rule;
    ``loaded_at`` (default: now) is what date_in_future compares with."""
    cutoff = f"{future_cutoff(loaded_at):%Y-%m-%d %H:%M:%S}"
    checks: list[tuple[str, str, str]] = [
        (
            "malformed_record",
            "_bad_record is not null",
            # the line number is the row's source_row; its text is in original_values._record
            "case when json_valid(_bad_record) then 'record is not a JSON object' "
            "else 'record is not valid JSON' end",
        )
    ]
    for col in entity.columns:
        name, text = quote_identifier(col.name), text_column(col.name)
        if col.required:
            checks.append(
                (
                    "required_missing",
                    f"{text} is null",
                    quote_literal(f"{col.name}: required value is missing"),
                )
            )
        type_rule = {
            "date": "invalid_date",
            "timestamp": "invalid_timestamp",
            "decimal": "invalid_number",
            "rate": "invalid_number",
            "integer": "invalid_number",
        }.get(col.type)
        if type_rule:
            expected = {
                "date": "an ISO 8601 date (YYYY-MM-DD)",
                "timestamp": "an ISO 8601 timestamp",
                "decimal": "a decimal number",
                "rate": "a decimal number",
                "integer": "a whole number",
            }[col.type]
            too_big = out_of_range(entity, col.name)
            checks.append(
                (
                    type_rule,
                    f"{text} is not null and {name} is null"
                    + (f" and not coalesce({too_big}, false)" if too_big else ""),
                    f"{quote_literal(col.name + ': ')} || {text} || {quote_literal(' is not ' + expected)}",
                )
            )
            if too_big:
                type_name = "INTEGER" if col.type == "integer" else DUCKDB_TYPES[col.type]
                outside = f" is outside {type_name}'s range"
                checks.append(
                    (
                        "number_out_of_range",
                        f"coalesce({too_big}, false)",
                        f"{quote_literal(col.name + ': ')} || {text} || {quote_literal(outside)}",
                    )
                )
        if col.type in ("date", "timestamp"):
            checks.append(
                (
                    "implausible_date",
                    f"{name} < date {quote_literal(PLAUSIBLE_DATE_MIN)} "
                    f"or {name} >= date {quote_literal(PLAUSIBLE_DATE_MAX)}",
                    f"{quote_literal(col.name + ': ')} || {text} || "
                    f"{quote_literal(f' is outside {PLAUSIBLE_DATE_MIN}..{PLAUSIBLE_DATE_MAX}')}",
                )
            )
        if col.type in ("date", "timestamp") and not col.may_be_future:
            checks.append(
                (
                    "date_in_future",
                    f"{name} > timestamp {quote_literal(cutoff)}",
                    f"{quote_literal(col.name + ': ')} || {text} || "
                    + quote_literal(
                        f" is after {cutoff} UTC (the load time plus {_tolerance_text()})"
                    ),
                )
            )
        if col.allowed:
            checks.append(
                (
                    "unknown_enum",
                    f"{name} is not null and {name} not in {_in_list(col.allowed)}",
                    f"{quote_literal(col.name + ': ')} || {text} || "
                    f"{quote_literal(' is not one of ' + ', '.join(col.allowed))}",
                )
            )
        if col.type == "currency":
            checks.append(
                (
                    "unknown_currency",
                    f"{name} is not null and {name} not in {_in_list(ISO_4217)}",
                    f"{quote_literal(col.name + ': ')} || {text} || {quote_literal(' is not an ISO 4217 code')}",
                )
            )
        if col.type == "country":
            checks.append(
                (
                    "unknown_country",
                    f"{name} is not null and {name} not in {_in_list(ISO_3166_ALPHA2)}",
                    f"{quote_literal(col.name + ': ')} || {text} || {quote_literal(' is not an ISO 3166 alpha-2 code')}",
                )
            )
    if entity.score_ranges:
        type_col, score_col, ranges = entity.score_ranges
        for survey_type, (low, high) in ranges.items():
            checks.append(
                (
                    "score_out_of_range",
                    f"{quote_identifier(type_col)} = {quote_literal(survey_type)} and {quote_identifier(score_col)} is not null "
                    f"and {quote_identifier(score_col)} not between {low} and {high}",
                    f"{quote_literal(score_col + ': ')} || {text_column(score_col)} || "
                    f"{quote_literal(f' is outside {low}..{high} for {survey_type}')}",
                )
            )
    for rule, condition in entity.row_rules:
        checks.append(
            (rule, f"coalesce({condition}, false)", quote_literal(f"violates: {condition}"))
        )
    for column, (parent, parent_column) in entity.references.items():
        checks.append(
            (
                f"orphan_{column}",
                f"{quote_identifier(column)} is not null and not exists (select 1 from raw.{parent} p "
                f"where p.{quote_identifier(parent_column)} = t.{quote_identifier(column)})",
                f"{quote_literal(column + ': ')} || {text_column(column)} || {quote_literal(f' is not in {parent}')}",
            )
        )
    order = {rule: i for i, rule in enumerate(RULES)}
    return sorted(checks, key=lambda check: order[check[0]])
