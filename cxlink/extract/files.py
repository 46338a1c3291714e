"""Finding landing files and fingerprinting them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

# File suffix -> reader format. Anything else in a landing folder is reported and left alone.
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# Compression suffixes DuckDB reads natively (no extension needed), for the text formats only:
# a Parquet file compresses its own pages.
COMPRESSION: dict[str, str] = {".gz": "gzip", ".zst": "zstd"}
COMPRESSIBLE = ("csv", "jsonl")

# Why a suffix is not read, for the run's report (anything else: _UNKNOWN).
_IGNORED_REASONS: dict[str, str] = {
    ".zip": "zip archives are not read: unpack it into the folder, or use a mapped_file source "
    "for .xlsx",
    ".xlsx": "spreadsheets are not read as contract files: save it as CSV (UTF-8), or read it "
    "with a mapped_file source (docs/sources.md)",
    ".xls": "spreadsheets are not read as contract files: save it as CSV (UTF-8), or read it "
    "with a mapped_file source (docs/sources.md)",
    ".json": "JSON is read as JSON Lines only: write one object per line and name it .jsonl",
    ".tsv": "only comma-separated files are read: save it as .csv",
    ".txt": "only comma-separated files are read: save it as .csv",
    ".bz2": "bzip2 is not read: compress with gzip (.gz) or zstd (.zst)",
    ".xz": "xz is not read: compress with gzip (.gz) or zstd (.zst)",
}
_UNKNOWN = (
    "not a contract file format: use .csv, .parquet/.pq or .jsonl/.ndjson (.csv and .jsonl "
    "also as .gz or .zst)"
)


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative_path: str  # relative to the landing dir, with forward slashes: the file's identity
    format: str
    size_bytes: int
    sha256: str
    compression: str | None = None  # gzip | zstd (from the suffix)


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def skipped_silently(relative: Path) -> bool:
    """Hidden files and folders (``.name``) and files still being written by convention
    (``*.tmp``, ``*.part``): neither read nor reported."""
    return any(part.startswith(".") for part in relative.parts) or relative.suffix.lower() in {
        ".tmp",
        ".part",
    }


def file_format(name: str, formats: dict[str, str] = FORMATS) -> tuple[str, str | None] | None:
    """(format, compression) of a file name, or None when it is not read. ``data.csv.gz`` is a
    gzip-compressed CSV; compression is recognised for the default formats only (a source's
    own reader decides what it reads)."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    if not suffixes:
        return None
    fmt = formats.get(suffixes[-1])
    if fmt is not None:
        return fmt, None
    compression = COMPRESSION.get(suffixes[-1])
    if compression and len(suffixes) > 1 and formats is FORMATS:
        inner = formats.get(suffixes[-2])
        if inner in COMPRESSIBLE:
            return inner, compression
    return None


def ignored_reason(name: str) -> str:
    """Why a landing file with this name is not read, and what to do instead."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    last = suffixes[-1] if suffixes else ""
    if last in COMPRESSION and len(suffixes) > 1:
        return (
            f"compressed {suffixes[-2]} files are not read: only .csv and .jsonl/.ndjson may be "
            "compressed (.gz, .zst)"
        )
    if last in COMPRESSION:
        return "a compressed file without its format: name it e.g. data.csv.gz or data.jsonl.zst"
    return _IGNORED_REASONS.get(last, _UNKNOWN)


def discover(
    landing_dir: Path, folder_name: str, formats: dict[str, str] = FORMATS
) -> tuple[list[LandingFile], list[str]]:
    """Files of one landing folder (an entity's, or a file source's), sorted by path (the order
    rows are appended in), and ignored names.

    Hidden files (``.name``) and files still being written by convention (``*.tmp``,
    ``*.part``) are skipped silently; suffixes not in ``formats`` are returned as ignored so
    the caller can report them (``ignored_reason`` says why).
    """
    folder = landing_dir / folder_name
    if not folder.is_dir():
        return [], []
    found: list[LandingFile] = []
    ignored: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(landing_dir).as_posix()
        if skipped_silently(path.relative_to(folder)):
            continue
        detected = file_format(path.name, formats)
        if detected is None:
            ignored.append(relative)
            continue
        found.append(
            LandingFile(
                path=path,
                relative_path=relative,
                format=detected[0],
                size_bytes=path.stat().st_size,
                sha256=sha256_of(path),
                compression=detected[1],
            )
        )
    return found, ignored
