"""What a killed publish leaves behind, removed at the next run's start; the publish lock.

A publish (release.py) holds ``$CXLINK_DATA_DIR/.publish.lock`` (``flock``: the kernel releases it
when the process dies, even by ``kill -9``). ``clean_leftovers`` takes the same lock, so it never
removes the files of a publish that is still running, and removes only names this code creates:

- ``cxlink_bi.duckdb.tmp-<pid>`` (and DuckDB's ``.wal`` / ``.tmp`` beside it): an unfinished BI copy;
- ``exports.tmp-<pid>`` (a symlink about to replace ``exports``) and ``exports.staging-<pid>/``;
- ``exports-<version>/`` folders that ``exports`` does not point at;
- ``*.tmp-<pid>`` files inside a pre-versioning ``exports/`` folder (the old exporter's), and
  its Parquet/CSV/workbook once it has been moved to ``exports.before-versions`` (anything
  else in it stays).

``remove_legacy_copy`` removes, after a successful publish, the BI copy of before issue 14
(``marts.duckdb``, tables in schema ``main``) when it is cxlink's (it has ``meta.publish_info``):
a BI tool still pointed at it then fails instead of reading figures that no longer change.

Killed after the BI copy was replaced but before ``exports`` was switched, the copy is one
version ahead of the exports; its version's folder is complete, so the switch is finished here
(rolled forward) instead of waiting for the next successful publish.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from cxlink.duckdb_sql import table_exists
from cxlink.publish import exports_set
from cxlink.publish.copy_check import META_SCHEMA, PUBLISH_INFO_TABLE, published_version
from cxlink.settings import DataLayout

try:  # POSIX; elsewhere there is no lock and a concurrent publish is the user's problem
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".publish.lock"
log = logging.getLogger(__name__)


@contextmanager
def publish_lock(data_dir: Path) -> Iterator[bool]:
    """Try to take the publish lock of ``data_dir`` without waiting; yields whether it is held."""
    if fcntl is None:
        yield True
        return
    fd = os.open(Path(data_dir) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
        else:
            yield True
    finally:
        os.close(fd)  # closing releases the lock


def clean_leftovers(layout: DataLayout) -> list[Path]:
    """Remove what killed publishes left in ``layout``'s data directory; returns the removed
    paths (empty, and nothing touched, while another process publishes)."""
    if not layout.data_dir.is_dir():
        return []
    if not os.access(layout.data_dir, os.W_OK):
        return []  # a read-only data directory: nothing could be removed anyway
    with publish_lock(layout.data_dir) as held:
        if not held:
            log.info("a publish is running in %s: leftovers are not cleaned now", layout.data_dir)
            return []
        return clean_leftovers_locked(layout)


def clean_leftovers_locked(layout: DataLayout) -> list[Path]:
    """``clean_leftovers`` for a caller that already holds the publish lock."""
    data, copy, link = layout.data_dir, layout.bi_copy_path, layout.exports_dir
    removed: list[Path] = []
    patterns = (
        rf"{re.escape(copy.name)}\.tmp-\d+(\.wal|\.tmp)?",
        rf"{re.escape(link.name)}\.tmp-\d+",
        rf"{re.escape(link.name)}\.staging-\d+",
    )
    for path in sorted(data.iterdir()):
        if any(re.fullmatch(p, path.name) for p in patterns):
            removed.append(_remove(path))
    legacy = sorted(link.parent.glob(f"{link.name}{exports_set.LEGACY_SUFFIX}*"))
    for folder in (link, *legacy):
        if folder.is_dir() and not folder.is_symlink():
            removed += [
                _remove(p) for p in sorted(folder.rglob("*")) if re.search(r"\.tmp-\d+$", p.name)
            ]
    _roll_forward(copy, link)
    current = exports_set.current_version(link)
    if current is not None:  # never remove the set `exports` points at, nor a legacy folder
        removed += exports_set.remove_versions(link, {current})
        removed += exports_set.retire_legacy(link)
    return removed


LEGACY_COPY_NAME = "marts.duckdb"


def _is_cxlink_copy(path: Path) -> bool:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return table_exists(con, META_SCHEMA, PUBLISH_INFO_TABLE)
    finally:
        con.close()


def remove_legacy_copy(layout: DataLayout) -> list[Path]:
    """Remove the pre-issue-14 BI copy ``marts.duckdb`` beside the current one (module doc)."""
    legacy = layout.data_dir / LEGACY_COPY_NAME
    if legacy == layout.bi_copy_path or not legacy.is_file() or not _is_cxlink_copy(legacy):
        return []
    removed = [_remove(legacy)]
    wal = legacy.with_name(legacy.name + ".wal")
    if wal.exists():
        removed.append(_remove(wal))
    return removed


def _roll_forward(copy: Path, link: Path) -> None:
    version = published_version(copy)
    if version is None or version == exports_set.current_version(link):
        return
    published = exports_set.read_published(exports_set.version_dir(link, version))
    if published is not None and published.get("version") == version:
        exports_set.switch(link, version)
        log.info("finished an interrupted publish: %s now points at version %s", link, version)


def _remove(path: Path) -> Path:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            path.unlink()
    return path
