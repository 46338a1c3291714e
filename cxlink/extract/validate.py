"""Contract validation: split ``landing.<entity>`` into ``raw.<entity>`` and ``quarantine.<entity>``.

Every landing row ends in exactly one of the two: raw rows are typed and satisfy the contract;
quarantined rows carry the first rule they break (``rule``), every rule they break (``rules``),
a human-readable ``detail`` and their original text values (``original_values``, JSON), with
the file and record number they came from.

Both tables are rebuilt from the landing store on every run, so the result depends only on the
landing files (not on the order they arrived in). Among rows that share a key, the first by
(file path, record number) is kept and the others are quarantined as ``duplicate_key``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from cxlink.contract import (
    DUCKDB_TYPES,
    ENTITIES,
    ISO_3166_ALPHA2,
    ISO_4217,
    PLAUSIBLE_DATE_MAX,
    PLAUSIBLE_DATE_MIN,
    Entity,
    unique_key,
)
from cxlink.extract.store import store_table

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
    "orphan_customer_id",
    "duplicate_key",
)


@dataclass(frozen=True)
class ValidationCounts:
    rows_in: int
    rows_raw: int
    rows_quarantined: int
    by_rule: dict[str, int]

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.rows_raw + self.rows_quarantined


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(column: str) -> str:
    return _ident(f"_text_{column}")


def _typed_expr(entity: Entity, column: str) -> str:
    """Typed value of a column from its trimmed text (NULL when empty or unparseable)."""
    col = entity.column(column)
    value = f"nullif(trim({_ident(column)}), '')"
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
    return "(" + ", ".join(_lit(v) for v in sorted(values)) + ")"


def _violations(entity: Entity) -> list[tuple[str, str, str]]:
    """(rule, SQL condition on the typed row, SQL detail expression) for every row-level rule."""
    checks: list[tuple[str, str, str]] = [
        ("malformed_record", "_bad_record is not null", "'record is not a JSON object'")
    ]
    for col in entity.columns:
        name, text = _ident(col.name), _text(col.name)
        if col.required:
            checks.append(
                (
                    "required_missing",
                    f"{text} is null",
                    _lit(f"{col.name}: required value is missing"),
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
                    f"{_lit(col.name + ': ')} || {text} || {_lit(' is not ' + expected)}",
                )
            )
        if col.type in ("date", "timestamp"):
            checks.append(
                (
                    "implausible_date",
                    f"{name} < date {_lit(PLAUSIBLE_DATE_MIN)} "
                    f"or {name} >= date {_lit(PLAUSIBLE_DATE_MAX)}",
                    f"{_lit(col.name + ': ')} || {text} || "
                    f"{_lit(f' is outside {PLAUSIBLE_DATE_MIN}..{PLAUSIBLE_DATE_MAX}')}",
                )
            )
        if col.allowed:
            checks.append(
                (
                    "unknown_enum",
                    f"{name} is not null and {name} not in {_in_list(col.allowed)}",
                    f"{_lit(col.name + ': ')} || {text} || "
                    f"{_lit(' is not one of ' + ', '.join(col.allowed))}",
                )
            )
        if col.type == "currency":
            checks.append(
                (
                    "unknown_currency",
                    f"{name} is not null and {name} not in {_in_list(ISO_4217)}",
                    f"{_lit(col.name + ': ')} || {text} || {_lit(' is not an ISO 4217 code')}",
                )
            )
        if col.type == "country":
            checks.append(
                (
                    "unknown_country",
                    f"{name} is not null and {name} not in {_in_list(ISO_3166_ALPHA2)}",
                    f"{_lit(col.name + ': ')} || {text} || {_lit(' is not an ISO 3166 alpha-2 code')}",
                )
            )
    if entity.score_ranges:
        type_col, score_col, ranges = entity.score_ranges
        for survey_type, (low, high) in ranges.items():
            checks.append(
                (
                    "score_out_of_range",
                    f"{_ident(type_col)} = {_lit(survey_type)} and {_ident(score_col)} is not null "
                    f"and {_ident(score_col)} not between {low} and {high}",
                    f"{_lit(score_col + ': ')} || {_text(score_col)} || "
                    f"{_lit(f' is outside {low}..{high} for {survey_type}')}",
                )
            )
    for rule, condition in entity.row_rules:
        checks.append((rule, f"coalesce({condition}, false)", _lit(f"violates: {condition}")))
    for column, (parent, parent_column) in entity.references.items():
        checks.append(
            (
                f"orphan_{column}",
                f"{_ident(column)} is not null and not exists (select 1 from raw.{parent} p "
                f"where p.{_ident(parent_column)} = t.{_ident(column)})",
                f"{_lit(column + ': ')} || {_text(column)} || {_lit(f' is not in {parent}')}",
            )
        )
    order = {rule: i for i, rule in enumerate(RULES)}
    return sorted(checks, key=lambda check: order[check[0]])


def validation_sql(entity: Entity) -> list[str]:
    """Statements that rebuild raw.<entity> and quarantine.<entity> from the landing store."""
    typed = ", ".join(
        f"{_typed_expr(entity, c)} as {_ident(c)}, {_ident(c)} as {_text(c)}"
        for c in entity.column_names
    )
    flags = ", ".join(
        f"case when {condition} then {{'rule': {_lit(rule)}, 'detail': {detail}}} end"
        for rule, condition, detail in _violations(entity)
    )
    key = unique_key(entity)
    key_cols = ", ".join(_ident(k) for k in key)
    key_text = " || ', ' || ".join(f"coalesce(cast({_ident(k)} as varchar), '')" for k in key)
    cast_cols = ", ".join(
        f"cast({_ident(c.name)} as {DUCKDB_TYPES[c.type]}) as {_ident(c.name)}"
        for c in entity.columns
    )
    originals = ", ".join(f"{_lit(c)}: {_text(c)}" for c in entity.column_names)
    return [
        f"""
        create or replace temp table _checked as
        with typed as (
            select {typed}, _bad_record, _source_file, _source_row from {store_table(entity)}
        ),
        flagged as (
            select t.*, list_filter([{flags}], lambda v: v is not null) as _violations from typed t
        ),
        ranked as (
            select
                *,
                row_number() over (
                    partition by len(_violations) = 0, {key_cols} order by _source_file, _source_row
                ) as _key_rank,
                first_value(_source_file) over (
                    partition by len(_violations) = 0, {key_cols} order by _source_file, _source_row
                ) as _first_file,
                first_value(_source_row) over (
                    partition by len(_violations) = 0, {key_cols} order by _source_file, _source_row
                ) as _first_row
            from flagged
        )
        select
            * exclude (_violations, _key_rank, _first_file, _first_row),
            case
                when len(_violations) = 0 and _key_rank > 1 then [{{
                    'rule': 'duplicate_key',
                    'detail': {_lit(", ".join(key) + " ")} || {key_text}
                        || ' already at landing/' || _first_file || ' record ' || _first_row
                }}]
                else _violations
            end as _violations
        from ranked
        """,
        f"""
        create or replace table raw.{entity.name} as
        select {cast_cols}, _source_file, _source_row
        from _checked where len(_violations) = 0
        order by _source_file, _source_row
        """,
        f"""
        create or replace table quarantine.{entity.name} as
        select
            _source_file as source_file,
            _source_row as source_row,
            _violations[1].rule as rule,
            _violations[1].detail as detail,
            list_transform(_violations, lambda v: v.rule) as rules,
            cast(to_json({{{originals}, '_record': _bad_record}}) as varchar) as original_values
        from _checked where len(_violations) > 0
        order by source_file, source_row
        """,
        "drop table _checked",
    ]


def validate_entity(con: duckdb.DuckDBPyConnection, entity: Entity) -> ValidationCounts:
    con.execute("set TimeZone = 'UTC'")
    for parent, _ in entity.references.values():
        if not _table_exists(con, "raw", parent):
            raise RuntimeError(
                f"raw.{parent} must be extracted before {entity.name} (orphan check needs it)"
            )
    for statement in validation_sql(entity):
        con.execute(statement)
    rows_in = con.execute(f"select count(*) from {store_table(entity)}").fetchone()[0]
    rows_raw = con.execute(f"select count(*) from raw.{entity.name}").fetchone()[0]
    by_rule = dict(
        con.execute(
            f"select rule, count(*) from quarantine.{entity.name} group by rule order by rule"
        ).fetchall()
    )
    return ValidationCounts(rows_in, rows_raw, sum(by_rule.values()), by_rule)


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def create_rejected_rows_view(con: duckdb.DuckDBPyConnection) -> None:
    """``quarantine.rejected_rows``: every quarantined row of every entity, in one place."""
    present = [name for name in ENTITIES if _table_exists(con, "quarantine", name)]
    if not present:
        return
    union = " union all ".join(
        f"select {_lit(name)} as entity, source_file, source_row, rule, detail, rules, "
        f"original_values from quarantine.{name}"
        for name in present
    )
    con.execute(f"create or replace view quarantine.rejected_rows as {union}")
