"""The landing contract's rules as SQL: typed values from text, and the row-level violations.

validate.py assembles these into the statements that split landing rows into raw and
quarantine. A row's first broken rule is the earliest in ``RULES``.
"""

from __future__ import annotations

from cxlink.contract import (
    DUCKDB_TYPES,
    PLAUSIBLE_DATE_MAX,
    PLAUSIBLE_DATE_MIN,
    Entity,
)
from cxlink.duckdb_sql import quote_identifier, quote_literal
from cxlink.iso_codes import ISO_3166_ALPHA2, ISO_4217

# Rule names, in the order a row's first broken rule is reported. Documented in the README.
RULES: tuple[str, ...] = (
    "malformed_record",
    "required_missing",
    "invalid_date",
    "invalid_timestamp",
    "invalid_number",
    "implausible_date",
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


def typed_value(entity: Entity, column: str) -> str:
    """Typed value of a column from its trimmed text (NULL when empty or unparseable)."""
    col = entity.column(column)
    value = f"nullif(trim({quote_identifier(column)}), '')"
    if col.type == "date":
        return f"try_cast({value} as date)"
    if col.type == "timestamp":
        # Offsets are honoured and converted to UTC; naive timestamps are taken as UTC
        # (the session time zone is set to UTC before this runs).
        return f"cast(try_cast({value} as timestamptz) at time zone 'UTC' as timestamp)"
    if col.type in ("decimal", "rate"):
        return f"try_cast({value} as {DUCKDB_TYPES[col.type]})"
    if col.type == "integer":
        number = f"try_cast({value} as decimal(18, 4))"
        return f"case when {number} = trunc({number}) then cast({number} as integer) end"
    if col.type in ("currency", "country"):
        return f"upper({value})"
    return value


def _in_list(values) -> str:
    return "(" + ", ".join(quote_literal(v) for v in sorted(values)) + ")"


def violations(entity: Entity) -> list[tuple[str, str, str]]:
    """(rule, SQL condition on the typed row, SQL detail expression) for every row-level rule."""
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
            checks.append(
                (
                    type_rule,
                    f"{text} is not null and {name} is null",
                    f"{quote_literal(col.name + ': ')} || {text} || {quote_literal(' is not ' + expected)}",
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
