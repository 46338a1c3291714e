"""Reading one landing file, as text, with DuckDB's own readers.

Every value is read as text so that nothing is coerced or lost on the way in: typing and the
contract rules are applied afterwards (``validate.py``), where a bad value becomes a quarantine
row instead of a failed load.
"""

from __future__ import annotations

import duckdb

from cxlink.contract import Entity
from cxlink.duckdb_sql import quote_identifier, quote_literal
from cxlink.extract.files import LandingFile


class LandingFileError(Exception):
    """A landing file that cannot be read at all. The message names the file and the problem."""

    def __init__(self, file: LandingFile, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(f"landing/{file.relative_path}: {problem}")


def _normalise(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower()


def _source_sql(file: LandingFile) -> str:
    path = quote_literal(str(file.path))
    if file.format == "csv":
        # Strict RFC 4180: comma-separated, double quotes, header row, UTF-8. No sniffing of
        # the delimiter: free-text comments would fool it.
        return (
            f"read_csv({path}, header = true, all_varchar = true, delim = ',', quote = '\"', "
            "escape = '\"', strict_mode = true, null_padding = false, encoding = 'utf-8')"
        )
    if file.format == "parquet":
        return f"read_parquet({path}, file_row_number = true)"
    if file.format == "jsonl":
        return f"read_json_objects({path}, format = 'newline_delimited')"
    raise LandingFileError(file, f"unsupported format {file.format!r}")


def _available_columns(con: duckdb.DuckDBPyConnection, file: LandingFile) -> dict[str, str]:
    """Normalised column name -> name as written in the file."""
    if file.format == "jsonl":
        rows = con.execute(
            "select distinct unnest(json_keys(json)) from "
            f"read_json_objects({quote_literal(str(file.path))}, format = 'newline_delimited') "
            "where json_type(json) = 'OBJECT'"
        ).fetchall()
        names = [r[0] for r in rows]
    else:
        names = [
            r[0] for r in con.execute(f"describe select * from {_source_sql(file)}").fetchall()
        ]
    return {_normalise(n): n for n in names if n != "file_row_number"}


def select_as_text(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> str:
    """SQL selecting the entity's contract columns (as VARCHAR) and ``_source_row`` from a file.

    Raises LandingFileError when the file cannot be read or lacks a required column.
    """
    if file.size_bytes == 0:
        raise LandingFileError(file, "file is empty (expected at least a header or one record)")
    try:
        available = _available_columns(con, file)
    except duckdb.Error as exc:
        raise LandingFileError(file, _reader_problem(file, exc)) from exc

    missing = [c for c in entity.required_columns if c not in available]
    if missing and not (file.format == "jsonl" and not available):
        raise LandingFileError(
            file,
            f"missing required column(s) {', '.join(missing)} "
            f"(found: {', '.join(sorted(available.values())) or 'none'})",
        )

    if file.format == "jsonl":
        select = [
            f"json_extract_string(json, {quote_literal('$.' + quote_identifier(c))}) as {quote_identifier(c)}"
            for c in entity.column_names
        ]
        row = "row_number() over ()"
        # A JSON line that is not an object (an array, a bare string) breaks the contract for
        # its row; keep it so it is quarantined with its text instead of vanishing.
        select.append("case when json_type(json) <> 'OBJECT' then json::varchar end as _bad_record")
    else:
        select = [
            (
                f"cast({quote_identifier(available[c])} as varchar)"
                if c in available
                else "null::varchar"
            )
            + f" as {quote_identifier(c)}"
            for c in entity.column_names
        ]
        row = "file_row_number + 1" if file.format == "parquet" else "row_number() over ()"
        select.append("null::varchar as _bad_record")
    return (
        f"select {', '.join(select)}, {quote_literal(file.relative_path)} as _source_file, "
        f"cast({row} as bigint) as _source_row from {_source_sql(file)}"
    )


def _reader_problem(file: LandingFile, exc: duckdb.Error) -> str:
    text = str(exc)
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if "unicode" in text.lower() or "utf-8" in text.lower():
        return f"not valid UTF-8 text ({first_line})"
    if file.format == "jsonl":
        return f"not valid JSON Lines ({first_line})"
    if file.format == "parquet":
        return f"not a readable Parquet file ({first_line})"
    return f"not a readable CSV file ({first_line})"


def describe_read_error(file: LandingFile, exc: duckdb.Error) -> LandingFileError:
    return LandingFileError(file, _reader_problem(file, exc))
