"""What is wrong with a landing file DuckDB could not read, in words, with the line number.

DuckDB stays the reader. Python only looks at the first bytes before a read (is it text at all,
what the CSV header says) and, once DuckDB has failed, scans the file to name the problem:
encoding (byte offset and line), column count, an unterminated quote. Line numbers are 1-based
physical lines of the (decompressed) file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa

from cxlink.extract.files import LandingFile

HEAD_BYTES = 1 << 20  # what the pre-scan reads: enough for any header line

# Magic numbers of files that are often delivered under a text name.
_MAGIC = {
    b"\x1f\x8b": "it is gzip-compressed: name it with a .gz suffix (e.g. data.csv.gz)",
    b"\x28\xb5\x2f\xfd": "it is zstd-compressed: name it with a .zst suffix (e.g. data.csv.zst)",
    b"PAR1": "it is a Parquet file: name it .parquet",
    b"PK\x03\x04": "it is a zip archive (an .xlsx workbook?): unpack it or save the sheet as CSV",
}


def open_bytes(file: LandingFile) -> BinaryIO:
    """The file's (decompressed) bytes."""
    if file.compression == "gzip":
        return gzip.open(file.path, "rb")
    if file.compression == "zstd":
        return pa.input_stream(str(file.path), compression="zstd")
    return file.path.open("rb")


def head(file: LandingFile, size: int = HEAD_BYTES) -> bytes:
    with open_bytes(file) as handle:
        return handle.read(size)


def not_text_problem(data: bytes) -> str | None:
    """Why the first bytes of a file are not text (NUL bytes, a known binary format), or None."""
    hint = next((h for magic, h in _MAGIC.items() if data.startswith(magic)), None)
    if hint is None and b"\x00" not in data:
        return None
    return "not a text file (" + (hint or "it contains NUL bytes: a binary file?") + ")"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def encoding_problem(chunks: Iterator[bytes]) -> str | None:
    """The first byte that is not UTF-8 (offset and line), or None when the text is UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 0
    for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # exc.start is relative to the decoder's buffer: the chunk plus up to 3 held bytes
            held = len(exc.object) - len(chunk)
            position = max(exc.start - held, 0)
            line = lines + _line_of(chunk, position)
            byte = exc.object[exc.start]
            return (
                f"not UTF-8 text: byte 0x{byte:02X} at offset {offset + position} (line {line}) "
                "is not valid UTF-8; save the file as UTF-8 (it may be Latin-1 / Windows-1252)"
            )
        offset += len(chunk)
        lines += chunk.count(b"\n")
    return None


def _chunks(file: LandingFile, size: int = 1 << 20) -> Iterator[bytes]:
    with open_bytes(file) as handle:
        while chunk := handle.read(size):
            yield chunk


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def csv_header(data: bytes) -> list[str]:
    """The first record of a CSV (RFC 4180) from its first bytes; [] for an empty file."""
    reader = csv.reader(io.StringIO(_text(data), newline=""), strict=True)
    try:
        return next(reader, [])
    except csv.Error:
        return []


_DATA_LIKE = re.compile(r"^\s*(-?\d[\d.,:\-T /+Z]*|\S+@\S+\.\S+)\s*$")


def looks_like_data(values: list[str]) -> bool:
    """A first line with a number, a date or an e-mail address among its values is data."""
    return any(_DATA_LIKE.match(v) for v in values)


def csv_structure_problem(file: LandingFile, width: int) -> str | None:
    """Scan the whole CSV: the first line whose field count is not ``width``, or a quote that
    is never closed (with the line it starts on)."""
    with open_bytes(file) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text, strict=True)
        start = 1
        try:
            for record in reader:
                if record and len(record) != width:
                    return (
                        f"wrong number of columns on line {start}: expected {width} (as in "
                        f"the header), found {len(record)}; fix that line (a missing or extra "
                        "comma, or a value with a comma that is not quoted)"
                    )
                start = reader.line_num + 1
        except csv.Error as exc:
            if "unexpected end of data" in str(exc) or "EOF" in str(exc):
                return (
                    f"unterminated quote: the quoted value starting on line {start} is never "
                    'closed; close it, or write a quote inside a value as ""'
                )
            return f"not valid CSV on line {start} ({exc}); quote values that contain quotes"
    return None


def diagnose(file: LandingFile, width: int | None = None) -> str | None:
    """What is wrong with a text file DuckDB failed on (None: nothing Python can name)."""
    problem = not_text_problem(head(file, 8192))
    if problem is None:
        problem = encoding_problem(_chunks(file))
    if problem is None and file.format == "csv" and width is not None:
        problem = csv_structure_problem(file, width)
    return problem
