"""Reading one landing file, as text, with DuckDB's own readers.

Every value is read as text so that nothing is coerced or lost on the way in: typing and the
contract rules are applied afterwards (``validate.py``), where a bad value becomes a quarantine
row instead of a failed load.

Column names follow one rule in every format: they match the contract case-insensitively,
ignoring surrounding whitespace and a byte-order mark; two columns that name the same contract
column fail the file. A CSV's header is read by Python (its first record), so DuckDB reads the
rest with a fixed layout and no sniffing; a JSON Lines file is read line by line, so one broken
line is quarantined (``malformed_record``, with its text) and the other lines load.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cxlink.contract import Entity
from cxlink.duckdb_sql import quote_identifier, quote_literal
from cxlink.extract import diagnose
from cxlink.extract.files import LandingFile


class LandingFileError(Exception):
    """A landing file that cannot be read at all. The message names the file and the problem."""

    def __init__(self, file: LandingFile, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(f"landing/{file.relative_path}: {problem}")


def normalise(name: str) -> str:
    """A column name as it is matched against the contract."""
    return name.strip().lstrip("\ufeff").strip().lower()


# DuckDB's readers take a path as a glob pattern: ``a*.csv`` would also read ``a1.csv`` and
# ``b[12].csv`` would read ``b1.csv`` instead of itself. Each metacharacter is put in a
# one-character class (``*`` -> ``[*]``), which matches exactly that character, so the pattern
# matches the one file whose name it spells (tests/hardening/test_literal_file_names.py).
_GLOB_METACHARACTERS = frozenset("*?[")


def literal_path(file: LandingFile) -> str:
    """The file's path as a SQL string literal that DuckDB's readers match literally."""
    text = str(file.path)
    return quote_literal("".join(f"[{c}]" if c in _GLOB_METACHARACTERS else c for c in text))


def _compression(file: LandingFile) -> str:
    # named, not detected: DuckDB detects it from the pattern, which an escape can hide
    return quote_literal(file.compression or "none")


def _csv_sql(file: LandingFile, width: int) -> str:
    # Strict RFC 4180: comma-separated, double quotes, header row, UTF-8. The layout is fixed
    # (auto_detect off): a sniffer is fooled by free-text comments, and its failure says
    # nothing about what is wrong. Columns are named by position (_c0, ...): the header's
    # own names may repeat or differ only in case.
    columns = ", ".join(f"'_c{i}': 'VARCHAR'" for i in range(width))
    return (
        f"read_csv({literal_path(file)}, auto_detect = false, header = true, "
        f"columns = {{{columns}}}, delim = ',', quote = '\"', escape = '\"', "
        "strict_mode = true, null_padding = false, encoding = 'utf-8', "
        f"compression = {_compression(file)})"
    )


def _lines_sql(file: LandingFile) -> str:
    """A JSON Lines file as (line number, text, parsed object) per non-blank line."""
    # One VARCHAR column per physical line: no quoting, a NUL delimiter that text never has.
    lines = (
        f"read_csv({literal_path(file)}, auto_detect = false, header = false, "
        "columns = {'line': 'VARCHAR'}, delim = '\\0', quote = '', escape = '', "
        "strict_mode = false, encoding = 'utf-8', "
        f"compression = {_compression(file)})"
    )
    return (
        "(select _line, line, case when json_valid(line) then json(line) end as _json "
        f"from (select row_number() over () as _line, line from {lines}) "
        "where trim(coalesce(line, '')) <> '')"
    )


def _parquet_sql(file: LandingFile) -> str:
    return f"read_parquet({literal_path(file)}, file_row_number = true)"


def _file_columns(
    con: duckdb.DuckDBPyConnection, file: LandingFile, header: list[str]
) -> tuple[list[str], list[str]]:
    """The file's column names in file order (a JSON Lines file: every object key), and the
    names DuckDB reads them by (Parquet: DuckDB renames a name that repeats in another case)."""
    if file.format == "csv":
        return header, header
    if file.format == "jsonl":
        rows = con.execute(
            f"select distinct unnest(json_keys(_json)) as k from {_lines_sql(file)} "
            "where json_type(_json) = 'OBJECT' order by k"
        ).fetchall()
        return [r[0] for r in rows], [r[0] for r in rows]
    rows = con.execute(f"describe select * from {_parquet_sql(file)}").fetchall()
    read_as = [r[0] for r in rows if r[0] != "file_row_number"]
    try:  # the names as written (the footer only)
        written = pq.read_schema(file.path).names
    except (OSError, pa.ArrowException):
        written = read_as
    return (written if len(written) == len(read_as) else read_as), read_as


def _contract_columns(file: LandingFile, names: list[str], entity: Entity) -> dict[str, int]:
    """Contract column -> position of the file column that holds it."""
    found: dict[str, int] = {}
    for position, name in enumerate(names):
        key = normalise(name)
        if key not in entity.column_names:
            continue
        if key in found:
            first = names[found[key]]
            raise LandingFileError(
                file,
                f"duplicate column: {first!r} and {name!r} both name the contract column "
                f"{key}; remove or rename one",
            )
        found[key] = position
    return found


def _pre_scan(file: LandingFile) -> list[str]:
    """Check that a text file is text before DuckDB reads it; a CSV's header."""
    if file.format == "parquet":
        return []
    try:
        first = diagnose.head(file)
    except (OSError, EOFError, pa.ArrowException) as exc:
        raise LandingFileError(
            file, f"not a valid {file.compression} file ({exc}); compress it again"
        ) from None
    # Encoding first: a header decoded wrongly would otherwise look like missing columns.
    problem = diagnose.not_text_problem(first[:8192]) or diagnose.encoding_problem(iter([first]))
    if problem is None and not first.strip():
        problem = "file is empty (expected at least a header or one record)"
    if problem:
        raise LandingFileError(file, problem)
    return diagnose.csv_header(first) if file.format == "csv" else []


def select_as_text(con: duckdb.DuckDBPyConnection, file: LandingFile, entity: Entity) -> str:
    """SQL selecting the entity's contract columns (as VARCHAR) and ``_source_row`` from a file.

    Raises LandingFileError when the file cannot be read or lacks a required column.
    """
    if file.size_bytes == 0:
        raise LandingFileError(file, "file is empty (expected at least a header or one record)")
    header = _pre_scan(file)
    try:
        names, read_as = _file_columns(con, file, header)
    except duckdb.Error as exc:
        raise describe_read_error(file, exc) from exc
    columns = _contract_columns(file, names, entity)

    missing = [c for c in entity.required_columns if c not in columns]
    if missing and not (file.format == "jsonl" and not names):
        if file.format == "csv" and not columns and diagnose.looks_like_data(names):
            raise LandingFileError(
                file,
                f"no header row: the first line looks like data ({', '.join(names)[:200]}); "
                f"add a header line naming the columns ({', '.join(entity.column_names)})",
            )
        raise LandingFileError(
            file,
            f"missing required column(s) {', '.join(missing)} "
            f"(found: {', '.join(sorted(names)) or 'none'})",
        )

    def value(position: int) -> str:
        if file.format == "jsonl":
            path = "$." + quote_identifier(names[position])
            return f"json_extract_string(_json, {quote_literal(path)})"
        name = f"_c{position}" if file.format == "csv" else read_as[position]
        return f"cast({quote_identifier(name)} as varchar)"

    select = [
        f"{value(columns[c]) if c in columns else 'null::varchar'} as {quote_identifier(c)}"
        for c in entity.column_names
    ]
    if file.format == "jsonl":
        # A line that is not a JSON object (invalid JSON, an array, a bare string) breaks the
        # contract for its row: keep its text so it is quarantined instead of failing the file.
        bad = "case when _json is null or json_type(_json) <> 'OBJECT' then line end"
        row, source = "_line", _lines_sql(file)
    elif file.format == "csv":
        bad, row, source = "null::varchar", "row_number() over ()", _csv_sql(file, len(header))
    else:
        bad, row, source = "null::varchar", "file_row_number + 1", _parquet_sql(file)
    return (
        f"select {', '.join(select)}, {bad} as _bad_record, "
        f"{quote_literal(file.relative_path)} as _source_file, "
        f"cast({row} as bigint) as _source_row from {source}"
    )


def _reader_problem(file: LandingFile, exc: duckdb.Error) -> str:
    text = str(exc)
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if file.format == "parquet":
        return f"not a readable Parquet file ({first_line})"
    width = len(diagnose.csv_header(diagnose.head(file))) if file.format == "csv" else None
    named = diagnose.diagnose(file, width)
    if named:
        return named
    # Nothing Python can name: DuckDB's own words (its "Line" counts records, not lines).
    detail = "; ".join(line.strip() for line in text.strip().splitlines()[:3])
    kind = "JSON Lines" if file.format == "jsonl" else "CSV"
    return f"not a readable {kind} file ({detail or first_line})"


def describe_read_error(file: LandingFile, exc: duckdb.Error) -> LandingFileError:
    return LandingFileError(file, _reader_problem(file, exc))
