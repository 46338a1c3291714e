"""``postgres``: named tables or SQL queries of a PostgreSQL database (the company's own app or
billing replica), read incrementally on a cursor column and mapped to contract entities.

Each entity of the source is one resource, read by a server-side (named) cursor in a read-only
transaction, ``batch_size`` rows per page, ordered by (cursor, key). A page is stored with the
(cursor, key) of its last row, and the next run asks only for rows after it:
``WHERE (cursor, key) > (stored cursor, stored key)``. Rows sharing a cursor value are never
split wrongly across pages or runs; deletions are only seen by a full reload. Options and
semantics: docs/sources/postgres.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import errors, sql
from psycopg.types.datetime import DateLoader, TimestampLoader, TimestamptzLoader

from cxlink.sources.kinds.postgres_map import as_text, map_rows, record_id
from cxlink.sources.kinds.postgres_spec import TableSpec, check, table_specs
from cxlink.sources.model import Batch, FetchContext, FetchKind, Resource, Source
from cxlink.sources.options import Option, SourceConfigError, credential
from cxlink.sources.rows import SourceError, SourceRow

ENTITIES = (
    "customers",
    "subscriptions",
    "invoices",
    "feedback",
    "marketing_spend",
    "service_costs",
    "fx_rates",
)
OPTIONS = (
    Option("dsn_env", "env", required=True, doc="environment variable holding the DSN"),
    Option("tables", "mapping", required=True, doc="entity -> table or query, key, cursor, ..."),
    Option("batch_size", "int", 5000, "rows per page (one stored batch)"),
    Option("connect_timeout", "int", 10, "seconds to wait for the server"),
)


def _finite(base: type) -> type:
    """A text loader that reads PostgreSQL's +/-infinity as NULL (e.g. an open period end)."""

    class Finite(base):  # type: ignore[misc, valid-type]
        def load(self, data):
            if bytes(data) in (b"infinity", b"-infinity"):
                return None
            return super().load(data)

    return Finite


class _Dsn:
    """The DSN, and how messages name it: user@host:port/db, never the password."""

    def __init__(self, source: str, env_var: str, dsn: str):
        self.dsn, self.env_var = dsn, env_var
        try:
            parts = psycopg.conninfo.conninfo_to_dict(dsn)
        except psycopg.Error:  # its message may quote the DSN: do not repeat it
            raise SourceError(
                f"source {source}: ${env_var} is not a PostgreSQL connection string; use "
                "postgresql://user:password@host:5432/database or host=... dbname=..."
            ) from None
        self.password = str(parts.get("password") or "")
        self.shown = (
            f"{parts.get('user', '')}@{parts.get('host', 'localhost')}:"
            f"{parts.get('port', 5432)}/{parts.get('dbname', '')}"
        )

    def redact(self, text: str) -> str:
        for secret in (self.dsn, self.password):
            if secret:
                text = text.replace(secret, "***")
        return text


def _explain(source: str, spec: TableSpec, dsn: _Dsn, exc: psycopg.Error) -> str:
    message = dsn.redact(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    where = f"source {source}: {spec.entity} ({spec.what})"
    if isinstance(exc, errors.InsufficientPrivilege):
        fix = "grant the user read access (GRANT SELECT ON <table> TO <user>)"
    elif isinstance(exc, errors.UndefinedTable):
        fix = f"check tables.{spec.entity}.{'table' if spec.table else 'query'} (schema.name)"
    elif isinstance(exc, errors.UndefinedColumn):
        fix = (
            f"a column was renamed or dropped: update tables.{spec.entity}.query (or select the "
            "new name under the old one: new_name as old_name)"
        )
    elif isinstance(exc, errors.SyntaxError | errors.UndefinedFunction):
        fix = f"fix the SQL of tables.{spec.entity}.query"
    elif isinstance(exc, psycopg.OperationalError):
        where = f"source {source}: cannot read {spec.entity} from {dsn.shown}"
        fix = (
            f"check ${dsn.env_var} (host, port, database, user, password) and that the server "
            "accepts connections from this machine"
        )
    else:
        fix = f"check tables.{spec.entity} and the database"
    return f"{where}: {message}. Fix: {fix}."


def _connect(dsn: _Dsn, timeout: int) -> psycopg.Connection:
    con = psycopg.connect(dsn.dsn, connect_timeout=timeout, application_name="cxlink")
    con.read_only = True
    con.execute("set datestyle to 'ISO, YMD'")  # what psycopg parses timestamps in
    for name, loader in (
        ("date", DateLoader),
        ("timestamp", TimestampLoader),
        ("timestamptz", TimestamptzLoader),
    ):
        con.adapters.register_loader(name, _finite(loader))
    return con


def _base(spec: TableSpec) -> sql.Composable:
    if spec.table:
        return sql.SQL("select * from {}").format(sql.Identifier(*spec.table))
    # The user's own SQL, as written: its % signs (LIKE 'a%') are not placeholders.
    return sql.SQL(spec.query.replace("%", "%%"))  # type: ignore[union-attr]


def _columns(con: psycopg.Connection, source: str, spec: TableSpec) -> dict[str, str]:
    """The result's column names and types; a SourceError naming any column the options miss."""
    with con.cursor() as cur:
        cur.execute(sql.SQL("select * from ({}) as cxlink_q limit 0").format(_base(spec)), [])
        described = cur.description or []
    names = [c.name for c in described]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SourceError(
            f"source {source}: {spec.entity} ({spec.what}) returns column(s) {', '.join(twice)} "
            f"more than once. Fix: alias them in tables.{spec.entity}.query."
        )
    missing = [c for c in spec.referenced() if c not in names]
    if missing:
        raise SourceError(
            f"source {source}: {spec.entity} ({spec.what}) has no column "
            f"{', '.join(missing)} (renamed or dropped?); it has {', '.join(names)}. Fix: "
            f"update tables.{spec.entity} (columns, key, cursor, exclude) or alias the column "
            "in a query (select new_name as old_name ...)."
        )
    return {c.name: c.type_display for c in described}


_TIMES = ("date", "timestamp", "timestamptz")


def _query(
    spec: TableSpec, after: list[str] | None, types: dict[str, str]
) -> tuple[sql.Composable, list[str]]:
    q = sql.Identifier("cxlink_q")
    order = [*([spec.cursor] if spec.cursor else []), *spec.key]
    cols = [sql.SQL("{}.{}").format(q, sql.Identifier(c)) for c in order]
    where = sql.SQL("")
    if after is not None and spec.lookback is not None:  # re-read a window before the cursor
        kind = types[spec.cursor].split("(")[0]  # type: ignore[index]
        where = sql.SQL(" where {} >= cast(%s as {}) - cast(%s as {})").format(
            cols[0], sql.SQL(types[spec.cursor]), sql.SQL("interval" if kind in _TIMES else kind)
        )
        after = [after[0], spec.lookback]
    elif after is not None:
        where = sql.SQL(" where ({}) > ({})").format(
            sql.SQL(", ").join(cols), sql.SQL(", ").join(sql.Placeholder() * len(after))
        )
    sort = [sql.SQL("{} nulls first").format(cols[0]) if spec.cursor else cols[0], *cols[1:]]
    text = sql.SQL("select * from ({}) as cxlink_q{} order by {}").format(
        _base(spec), where, sql.SQL(", ").join(sort)
    )
    return text, after or []


def _object(spec: TableSpec, row: dict[str, str | None]) -> tuple[str, dict[str, Any]]:
    rid = record_id(spec, row)
    if rid is None:  # kept (and quarantined as missing_key) under a stable content id
        digest = hashlib.sha1(json.dumps(row, sort_keys=True).encode()).hexdigest()[:16]
        rid = f"(no id) {digest}"
    return rid, row


def _position(spec: TableSpec, row: dict[str, str | None]) -> str | None:
    """The stored cursor after this row: [cursor value, key value(s)] as JSON text."""
    values = [row.get(c) for c in [spec.cursor, *spec.key]]
    return None if any(v is None for v in values) else json.dumps(values)


def fetch_table(
    source: Source, spec: TableSpec, ctx: FetchContext, cursor: str | None
) -> Iterator[Batch]:
    env_var = source.options["dsn_env"]
    try:
        secret = credential(source.name, "dsn_env", env_var, ctx.env)
    except SourceConfigError as exc:  # not set: this source fails, the others run
        raise SourceError(f"{exc} (reading {spec.entity})") from None
    dsn = _Dsn(source.name, env_var, secret)
    after = json.loads(cursor) if cursor and spec.cursor else None
    if after is not None and (not isinstance(after, list) or len(after) != 1 + len(spec.key)):
        ctx.log(f"{source.name}/{spec.entity}: stored cursor does not fit the key: reading all")
        after = None
    size = source.options["batch_size"]
    try:
        with _connect(dsn, source.options["connect_timeout"]) as con:
            types = _columns(con, source.name, spec)
            names = list(types)
            ctx.log(f"{source.name}/{spec.entity}: reading {spec.what} from {dsn.shown}")
            query, params = _query(spec, after, types)
            with con.cursor(name=f"cxlink_{spec.entity}") as cur:
                cur.itersize = size
                cur.execute(query, params)
                while rows := cur.fetchmany(size):
                    texts = [dict(zip(names, map(as_text, r), strict=True)) for r in rows]
                    position = _position(spec, texts[-1]) if spec.cursor else None
                    yield Batch([_object(spec, t) for t in texts], position)
    except psycopg.Error as exc:
        raise SourceError(_explain(source.name, spec, dsn, exc)) from None


def resources(source: Source) -> list[Resource]:
    specs = table_specs(f"source {source.name}", source)
    return [
        Resource(entity, lambda ctx, cursor, spec=spec: fetch_table(source, spec, ctx, cursor))
        for entity, spec in specs.items()
    ]


def map_objects(source: Source, stored: dict[str, list[dict[str, Any]]]) -> list[SourceRow]:
    specs = table_specs(f"source {source.name}", source)
    return [
        row for e, spec in specs.items() for row in map_rows(source.name, spec, stored.get(e, []))
    ]


KIND = FetchKind(
    name="postgres",
    doc="Tables or queries of a PostgreSQL database, incremental on a cursor column.",
    entities=ENTITIES,
    options=OPTIONS,
    resources=resources,
    map=map_objects,
    transport="database",
    check=check,
)
