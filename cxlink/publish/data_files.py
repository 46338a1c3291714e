"""One mart as a CSV file and as a Parquet file, rows in ``ORDER BY ALL`` order.

CSV (``write_csv``): UTF-8 with a byte order mark (Excel then reads it as UTF-8, not as the
locale's code page), a header row, RFC 4180 quoting, and one of two dialects
(``CXLINK_CSV_DIALECT``): ``comma`` (``,`` between fields, ``.`` in decimals) or ``semicolon``
(``;`` between fields, ``,`` in decimals: what Excel expects in the de, fi, sv, fr, es, pt and
other locales whose decimal mark is a comma; dates stay ISO ``YYYY-MM-DD``). Text fields are
always quoted and guarded against formula injection (formula_guard.py).

Parquet (``write_parquet``): zstd, written with pyarrow so that each column carries its dbt
description and unit as Arrow field metadata (``description``, ``unit``, ``additive``), and
the file its table's description (key ``description``) and name (``cxlink.table``). DuckDB's
own COPY writes file-level key-values only.

Both are byte-reproducible: the same rows give the same bytes.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cxlink.duckdb_sql import quote_identifier, quote_literal
from cxlink.publish.cell_formats import is_integer_type, is_numeric_type
from cxlink.publish.common import Column
from cxlink.publish.formula_guard import csv_text_sql
from cxlink.publish.manifest import TableDocs

BOM = "\ufeff".encode()
ARROW_BATCH_ROWS = 65_536
PARQUET_ROW_GROUP_ROWS = 122_880  # DuckDB's row group size, as its COPY wrote before


@dataclass(frozen=True)
class CsvDialect:
    name: str
    delimiter: str
    decimal: str


CSV_DIALECTS = {
    "comma": CsvDialect("comma", ",", "."),
    "semicolon": CsvDialect("semicolon", ";", ","),
}


def csv_dialect(name: str) -> CsvDialect:
    try:
        return CSV_DIALECTS[name]
    except KeyError:
        raise ValueError(
            f"unknown CSV dialect {name!r}: use one of {', '.join(CSV_DIALECTS)} "
            "(CXLINK_CSV_DIALECT)"
        ) from None


def _is_text(column: Column) -> bool:
    return column.data_type.upper() == "VARCHAR"


def ordered_sql(source: str, columns: Sequence[Column], expressions: Sequence[str]) -> str:
    """``select <expressions> from <source> src`` in ``ORDER BY ALL`` order of the source's
    own values (not of the expressions, which may be text)."""
    order = ", ".join(f"src.{quote_identifier(c.name)}" for c in columns)
    return f"select {', '.join(expressions)} from {source} as src order by {order}"


def csv_select(source: str, columns: Sequence[Column], dialect: CsvDialect) -> str:
    """The SELECT whose rows the CSV file holds: guarded text, and decimal commas for the
    semicolon dialect (a number as DuckDB prints it, its '.' replaced: no rounding)."""
    expressions = []
    for column in columns:
        ref = f"src.{quote_identifier(column.name)}"
        name = quote_identifier(column.name)
        if _is_text(column):
            expressions.append(f"{csv_text_sql(column.name, 'src')} as {name}")
        elif (
            dialect.decimal != "."
            and is_numeric_type(column.data_type)
            and not is_integer_type(column.data_type)
        ):
            expressions.append(
                f"replace({ref}::varchar, '.', {quote_literal(dialect.decimal)}) as {name}"
            )
        else:
            expressions.append(f"{ref} as {name}")
    return ordered_sql(source, columns, expressions)


def write_csv(
    con: duckdb.DuckDBPyConnection,
    source: str,
    columns: Sequence[Column],
    path: Path,
    dialect: CsvDialect,
) -> None:
    """Write ``source`` (a qualified table name) to ``path``: BOM, header, rows."""
    body = path.with_name(path.name + ".body")
    options = [
        "format csv",
        "header true",
        f"delimiter {quote_literal(dialect.delimiter)}",
    ]
    text = [quote_identifier(c.name) for c in columns if _is_text(c)]
    if text:
        options.append(f"force_quote ({', '.join(text)})")
    try:
        con.execute(
            f"copy ({csv_select(source, columns, dialect)}) to "
            f"{quote_literal(str(body))} ({', '.join(options)})"
        )
        with path.open("wb") as out, body.open("rb") as src:
            out.write(BOM)
            shutil.copyfileobj(src, out, 1 << 20)
    finally:
        body.unlink(missing_ok=True)


def parquet_schema(
    schema: pa.Schema, table: str, docs: TableDocs, columns: Sequence[Column]
) -> pa.Schema:
    """``schema`` with the table's and each column's documentation as metadata."""
    fields = []
    for arrow_field in schema:
        meta = {}
        if description := docs.column(arrow_field.name):
            meta[b"description"] = description.encode()
        if unit := docs.unit(arrow_field.name):
            meta[b"unit"] = unit.encode()
        if docs.is_additive(arrow_field.name):
            meta[b"additive"] = b"true"
        fields.append(arrow_field.with_metadata(meta or None))
    file_meta = {b"cxlink.table": table.encode()}
    if docs.description:
        file_meta[b"description"] = docs.description.encode()
    return pa.schema(fields, metadata=file_meta)


def write_parquet(
    con: duckdb.DuckDBPyConnection,
    source: str,
    table: str,
    columns: Sequence[Column],
    docs: TableDocs,
    path: Path,
) -> None:
    """Write ``source`` to ``path`` as zstd Parquet, streamed in Arrow batches and cut into
    row groups of ``PARQUET_ROW_GROUP_ROWS`` rows whatever sizes DuckDB's batches have (so
    the bytes do not depend on its thread count)."""
    select = ordered_sql(source, columns, [f"src.{quote_identifier(c.name)}" for c in columns])
    reader = con.sql(select).to_arrow_reader(ARROW_BATCH_ROWS)
    schema = parquet_schema(reader.schema, table, docs, columns)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        pending: list[pa.RecordBatch] = []
        buffered = 0
        for batch in reader:
            pending.append(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
            buffered += batch.num_rows
            while buffered >= PARQUET_ROW_GROUP_ROWS:
                rows = pa.Table.from_batches(pending, schema=schema)
                writer.write_table(rows.slice(0, PARQUET_ROW_GROUP_ROWS))
                rest = rows.slice(PARQUET_ROW_GROUP_ROWS)
                pending, buffered = rest.to_batches(), rest.num_rows
        if buffered:
            writer.write_table(pa.Table.from_batches(pending, schema=schema))
