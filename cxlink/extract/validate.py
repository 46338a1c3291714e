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

from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from cxlink.contract import DUCKDB_TYPES, ENTITIES, Entity, unique_key
from cxlink.duckdb_sql import quote_identifier, quote_literal, table_exists
from cxlink.extract.rules import clearings, text_column, typed_value, violations
from cxlink.extract.store import store_table


@dataclass(frozen=True)
class ValidationCounts:
    rows_in: int
    rows_raw: int
    rows_quarantined: int
    by_rule: dict[str, int]
    cleared: dict[str, int] = field(default_factory=dict)  # clearing rule -> values cleared

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.rows_raw + self.rows_quarantined


# Values a clearing rule set to null in published rows (rules.CLEARING_RULES), per entity.
CLEARED_TABLE = "quarantine.cleared_values"
CLEARED_COLUMNS = (
    "entity varchar, source_file varchar, source_row bigint, source varchar, "
    "source_record varchar, column_name varchar, rule varchar, detail varchar, "
    "original_value varchar"
)


def cleared_values_sql(entity: Entity) -> list[str]:
    """Statements that rebuild the entity's rows of quarantine.cleared_values from _checked."""
    statements = [
        f"create table if not exists {CLEARED_TABLE} ({CLEARED_COLUMNS})",
        f"delete from {CLEARED_TABLE} where entity = {quote_literal(entity.name)}",
    ]
    if clearings(entity):
        statements.append(
            f"""
            insert into {CLEARED_TABLE}
            select
                {quote_literal(entity.name)}, _source_file, _source_row, _source,
                _source_record, c.column_name, c.rule, c.detail, c.original_value
            from (select *, unnest(_cleared) as c from _checked where len(_violations) = 0)
            order by _source_file, _source_row, c.column_name
            """
        )
    return statements


def validation_sql(entity: Entity, loaded_at: datetime | None = None) -> list[str]:
    """Statements that rebuild raw.<entity> and quarantine.<entity> from the landing store
    (``loaded_at``: the load time dates are checked against, default now)."""
    typed = ", ".join(
        f"{typed_value(entity, c)} as {quote_identifier(c)}, {quote_identifier(c)} as {text_column(c)}"
        for c in entity.column_names
    )
    # A record its source kind refused (a survey preview, an unknown status) breaks the kind's
    # own rule first (docs/sources.md lists them).
    source_rule = (
        "case when _source_rule is not null then "
        "{'rule': _source_rule, 'detail': coalesce(_source_detail, _source_rule)} end"
    )
    flags = ", ".join(
        [source_rule]
        + [
            f"case when {condition} then {{'rule': {quote_literal(rule)}, 'detail': {detail}}} end"
            for rule, condition, detail in violations(entity, loaded_at)
        ]
    )
    cleared = ", ".join(
        f"case when {condition} then {{'column_name': {quote_literal(column)}, "
        f"'rule': {quote_literal(rule)}, 'detail': {detail}, 'original_value': "
        f"{text_column(column)}}} end"
        for column, rule, condition, detail in clearings(entity)
    )
    key = unique_key(entity)
    key_cols = ", ".join(quote_identifier(k) for k in key)
    key_text = " || ', ' || ".join(
        f"coalesce(cast({quote_identifier(k)} as varchar), '')" for k in key
    )
    cast_cols = ", ".join(
        f"cast({quote_identifier(c.name)} as {DUCKDB_TYPES[c.type]}) as {quote_identifier(c.name)}"
        for c in entity.columns
    )
    originals = ", ".join(f"{quote_literal(c)}: {text_column(c)}" for c in entity.column_names)
    return [
        f"""
        create or replace temp table _checked as
        with typed as (
            select {typed}, _bad_record, _source_file, _source_row, _source, _source_record,
                _source_rule, _source_detail, _source_original
            from {store_table(entity)}
        ),
        flagged as (
            select
                t.*,
                list_filter([{flags}], lambda v: v is not null) as _violations,
                list_filter([{cleared or "null"}], lambda v: v is not null) as _cleared
            from typed t
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
                    'detail': {quote_literal(", ".join(key) + " ")} || {key_text}
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
        *cleared_values_sql(entity),
        f"""
        create or replace table quarantine.{entity.name} as
        select
            _source_file as source_file,
            _source_row as source_row,
            _source as source,
            _source_record as source_record,
            _violations[1].rule as rule,
            _violations[1].detail as detail,
            list_transform(_violations, lambda v: v.rule) as rules,
            cast(to_json({{{originals}, '_record': coalesce(_bad_record, _source_original)}})
                as varchar) as original_values
        from _checked where len(_violations) > 0
        order by source_file, source_row
        """,
        "drop table _checked",
    ]


def validate_entity(
    con: duckdb.DuckDBPyConnection, entity: Entity, loaded_at: datetime | None = None
) -> ValidationCounts:
    con.execute("set TimeZone = 'UTC'")
    for parent, _ in entity.references.values():
        if not table_exists(con, "raw", parent):
            raise RuntimeError(
                f"raw.{parent} must be extracted before {entity.name} (orphan check needs it)"
            )
    for statement in validation_sql(entity, loaded_at):
        con.execute(statement)
    rows_in = con.execute(f"select count(*) from {store_table(entity)}").fetchone()[0]
    rows_raw = con.execute(f"select count(*) from raw.{entity.name}").fetchone()[0]
    by_rule = dict(
        con.execute(
            f"select rule, count(*) from quarantine.{entity.name} group by rule order by rule"
        ).fetchall()
    )
    cleared = dict(
        con.execute(
            f"select rule, count(*) from {CLEARED_TABLE} where entity = ? group by rule "
            "order by rule",
            [entity.name],
        ).fetchall()
    )
    return ValidationCounts(rows_in, rows_raw, sum(by_rule.values()), by_rule, cleared)


def create_rejected_rows_view(con: duckdb.DuckDBPyConnection) -> None:
    """``quarantine.rejected_rows``: every quarantined row of every entity, in one place."""
    present = [name for name in ENTITIES if table_exists(con, "quarantine", name)]
    if not present:
        return
    union = " union all ".join(
        f"select {quote_literal(name)} as entity, source, source_record, source_file, "
        f"source_row, rule, detail, rules, original_values from quarantine.{name}"
        for name in present
    )
    con.execute(f"create or replace view quarantine.rejected_rows as {union}")
