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


@dataclass(frozen=True)
class LandingFile:
    path: Path
    relative_path: str  # relative to the landing dir, with forward slashes: the file's identity
    format: str
    size_bytes: int
    sha256: str


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


def discover(
    landing_dir: Path, folder_name: str, formats: dict[str, str] = FORMATS
) -> tuple[list[LandingFile], list[str]]:
    """Files of one landing folder (an entity's, or a file source's), sorted by path (the order
    rows are appended in), and ignored names.

    Hidden files (``.name``) and files still being written by convention (``*.tmp``,
    ``*.part``) are skipped silently; suffixes not in ``formats`` are returned as ignored so
    the caller can report them.
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
        fmt = formats.get(path.suffix.lower())
        if fmt is None:
            ignored.append(relative)
            continue
        found.append(
            LandingFile(
                path=path,
                relative_path=relative,
                format=fmt,
                size_bytes=path.stat().st_size,
                sha256=sha256_of(path),
            )
        )
    return found, ignored


def landing_fingerprint(landing_dir: Path) -> list[tuple[str, int, int]]:
    """Cheap listing (path, size, mtime_ns) of every landing file (contract files and source
    exports), for sensors to spot changes."""
    if not landing_dir.is_dir():
        return []
    listing = []
    for path in sorted(p for p in landing_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(landing_dir)
        if skipped_silently(relative):
            continue
        stat = path.stat()
        listing.append((relative.as_posix(), stat.st_size, stat.st_mtime_ns))
    return listing
