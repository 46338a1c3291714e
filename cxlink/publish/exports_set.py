"""The exports as one versioned set: ``exports`` is a symlink to ``exports-<version>/``.

A publish writes the whole set into ``exports.staging-<pid>/`` (every file, then
``PUBLISHED.json`` listing them with their sha256, all flushed to disk), renames that folder to
``exports-<version>/`` and then points the ``exports`` symlink at it by renaming a new symlink
over the old one (``os.replace``: atomic). A reader opening ``exports/cxlink_finance.xlsx`` by
path gets the old set or the new one, never a mix; one that already has a file open keeps
reading it after the old folder is removed (Linux keeps the inode).

The version id is ``<run date YYYYMMDD>-<8 hex>``: the hex is a hash of the data files'
contents, the documentation and the run date, so the same data published the same day gets the
same version, and a changed number always gets a new one. The BI copy records the same id in
``meta.publish_info.version`` and the workbook in its README sheet.

Symlinks are POSIX; on Windows creating one needs extra rights (not supported here).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cxlink.publish.common import fsync_file
from cxlink.publish.manifest import TableDocs

PUBLISHED_NAME = "PUBLISHED.json"
VERSION_PATTERN = r"\d{8}-[0-9a-f]{8}"
LEGACY_SUFFIX = ".before-versions"  # an `exports/` folder from before versioned sets


@dataclass(frozen=True)
class ExportedFile:
    path: Path  # where users open it: exports/<relative>
    format: str  # parquet | csv | xlsx
    tables: tuple[str, ...]
    rows: int
    bytes: int
    sha256: str = ""

    def relative_to(self, link: Path) -> str:
        return self.path.relative_to(link).as_posix()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def version_id(
    run_date: date, data_files: Sequence[tuple[str, str]], docs: Mapping[str, TableDocs]
) -> str:
    """``YYYYMMDD-<8 hex>`` from the run date, (relative path, sha256) of every data file and
    the documentation with the columns' units (which the workbook and the BI copy's comments
    carry)."""
    payload = json.dumps(
        {
            "run_date": run_date.isoformat(),
            "files": sorted(data_files),
            # the meta too (units, additive flags): it decides the workbook's formats
            "docs": {
                t: [d.description, d.columns, d.meta, d.column_meta]
                for t, d in sorted(docs.items())
            },
        },
        sort_keys=True,
    )
    return f"{run_date:%Y%m%d}-{hashlib.sha256(payload.encode()).hexdigest()[:8]}"


def version_dir(link: Path, version: str) -> Path:
    return link.with_name(f"{link.name}-{version}")


def staging_dir(link: Path) -> Path:
    """Where this process builds the next set (same file system: the rename is atomic)."""
    return link.with_name(f"{link.name}.staging-{os.getpid()}")


def is_version_dir(link: Path, path: Path) -> bool:
    return re.fullmatch(re.escape(link.name) + "-" + VERSION_PATTERN, path.name) is not None


def current_version(link: Path) -> str | None:
    """The version ``link`` points at; None when it is missing or not one of ours."""
    if not link.is_symlink():
        return None
    target = Path(os.readlink(link)).name
    prefix = f"{link.name}-"
    version = target[len(prefix) :] if target.startswith(prefix) else ""
    return version if re.fullmatch(VERSION_PATTERN, version) else None


def write_published(folder: Path, document: dict[str, Any]) -> None:
    """``PUBLISHED.json`` last: a folder that has one is complete. Flushes every file first."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fsync_file(path)
    manifest = folder / PUBLISHED_NAME
    manifest.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    fsync_file(manifest)
    for sub in sorted({p.parent for p in folder.rglob("*")}):
        fsync_dir(sub)


def read_published(folder: Path) -> dict[str, Any] | None:
    """The set's ``PUBLISHED.json``; None when there is none (an incomplete or foreign folder)."""
    with contextlib.suppress(OSError, ValueError):
        return json.loads((folder / PUBLISHED_NAME).read_text(encoding="utf-8"))
    return None


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems do not fsync directories
        fsync_file(path)


def commit(staging: Path, link: Path, version: str) -> Path:
    """Rename the finished ``staging`` folder to ``exports-<version>``; returns that folder.

    An existing folder of that version that ``link`` points at holds the same files (the
    version is a hash of them), so the staged one is dropped; any other one is a leftover.
    """
    final = version_dir(link, version)
    if final.exists():
        if current_version(link) == version and read_published(final) is not None:
            shutil.rmtree(staging)
            return final
        shutil.rmtree(final)
    os.rename(staging, final)
    fsync_dir(link.parent)
    return final


def switch(link: Path, version: str) -> Path | None:
    """Point ``link`` at ``exports-<version>`` in one rename. An ``exports/`` folder from before
    versioned sets is first moved aside (returned) to ``exports.before-versions``."""
    temp = link.with_name(f"{link.name}.tmp-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(version_dir(link, version).name, temp, target_is_directory=True)
    legacy = None
    if link.is_dir() and not link.is_symlink():
        legacy, n = link.with_name(link.name + LEGACY_SUFFIX), 1
        while legacy.exists():  # never overwrite one: it may hold someone's files
            n += 1
            legacy = link.with_name(f"{link.name}{LEGACY_SUFFIX}-{n}")
        os.rename(link, legacy)
    os.replace(temp, link)
    fsync_dir(link.parent)
    return legacy


def remove_versions(link: Path, keep: set[str]) -> list[Path]:
    """Remove the ``exports-<version>`` folders whose version is not in ``keep``."""
    removed = []
    for path in sorted(link.parent.glob(f"{link.name}-*")):
        ours = path.is_dir() and not path.is_symlink() and is_version_dir(link, path)
        if ours and path.name[len(link.name) + 1 :] not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def retire_legacy(link: Path) -> list[Path]:
    """Remove what the pipeline wrote into pre-versioning ``exports.before-versions*`` folders
    (parquet/*.parquet, csv/*.csv, the workbook, temporary files) and the folder once empty.
    Anything else in it was put there by someone else: it stays, with the folder."""
    removed = []
    for legacy in sorted(link.parent.glob(f"{link.name}{LEGACY_SUFFIX}*")):
        if legacy.is_dir() and not legacy.is_symlink():
            removed += _retire(legacy)
    return removed


def _retire(legacy: Path) -> list[Path]:
    ours = [
        *legacy.glob("parquet/*.parquet"),
        *legacy.glob("csv/*.csv"),
        legacy / "cxlink_finance.xlsx",
        *(p for p in legacy.rglob("*") if re.search(r"\.tmp-\d+$", p.name)),
    ]
    removed = []
    for path in ours:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            path.unlink()
            removed.append(path)
    for sub in (legacy / "parquet", legacy / "csv", legacy):
        with contextlib.suppress(OSError):
            sub.rmdir()
            removed.append(sub)
    return removed
