"""Checks before a run, for the mistakes people make first: each fails in well under a second
with one sentence naming the problem and then the fix (a ``UserError``), instead of minutes
later with a Dagster or dbt message.

``check_before_run(settings)`` runs them all; ``disk_full_error(error, data_dir)`` turns a
full disk met during a run (``OSError`` ENOSPC, DuckDB's "No space left on device", the same
text in a failed step's message) into one sentence. Nothing here depends on the working
directory: the project's files are found from this file, the data directory is absolute.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cxlink.contract import ENTITIES, ENTITY_ORDER
from cxlink.errors import UserError
from cxlink.extract.files import skipped_silently
from cxlink.health.config import load_config
from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings

# pyproject.toml's requires-python (tests/test_preflight.py holds them equal).
SUPPORTED_PYTHON = (3, 11)
# A run needs room for the warehouse (about 5x the landing zone), the BI copy and the exports
# written beside the old ones before the swap (about 4x), dbt's target folder and the run
# history (~100 MB): 10x the landing zone plus a fixed 512 MiB, measured on the demo.
FIXED_NEED_BYTES = 512 * 2**20
LANDING_FACTOR = 10
NO_SPACE = "No space left on device"
# EFBIG: a file reached the largest size it may have (a quota, `ulimit -f`, the file system's own
# limit); for the run it is the same fault as a full disk.
TOO_LARGE = "File too large"


class PreflightError(UserError):
    """Something to fix before a run can start."""


class DataDirError(PreflightError):
    """The data directory is missing and cannot be created, is not a directory, or read-only."""


class DiskSpaceError(PreflightError):
    """Too little free disk for a run, or the disk filled up during one."""


class EmptyLandingError(PreflightError):
    """No landing files and no sources file: nothing to run on."""


class MissingEntityError(PreflightError):
    """A required entity has no landing files, no source and no rows from earlier runs."""


class EnvironmentProblem(PreflightError):
    """The wrong Python, a bad DAGSTER_HOME, or a project that was never prepared."""


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:2])) -> None:
    if tuple(version[:2]) != SUPPORTED_PYTHON:
        raise EnvironmentProblem(
            f"cxlink needs Python {'.'.join(map(str, SUPPORTED_PYTHON))}, but this is Python "
            f"{'.'.join(map(str, version[:2]))}: install python3.11 and recreate the environment "
            "(`rm -rf .venv && make setup`, or `make setup PYTHON=/path/to/python3.11`)."
        )


def check_data_dir(data_dir: Path) -> None:
    """The data directory exists (created if missing) and is a writable directory."""
    fix = "set CXLINK_DATA_DIR to a writable directory (or --data-dir)"
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirError(f"CXLINK_DATA_DIR {data_dir} is a file, not a directory: {fix}.")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(
            f"CXLINK_DATA_DIR {data_dir} does not exist and cannot be created "
            f"({exc.strerror or exc}): create it yourself or {fix}."
        ) from None
    try:
        # A real write: os.access says yes to root on a read-only mount.
        with tempfile.TemporaryFile(dir=data_dir, prefix=".cxlink-write-check-"):
            pass
    except OSError as exc:
        raise DataDirError(
            f"CXLINK_DATA_DIR {data_dir} is not writable ({exc.strerror or exc}): give this "
            f"user write access to it or {fix}."
        ) from None


def _landing_files(folder: Path) -> list[Path]:
    """Files a run would look at (any suffix; hidden and ``.part``/``.tmp`` files do not count)."""
    if not folder.is_dir():
        return []
    return [
        p for p in folder.rglob("*") if p.is_file() and not skipped_silently(p.relative_to(folder))
    ]


def landing_bytes(landing_dir: Path) -> int:
    return sum(p.stat().st_size for p in _landing_files(landing_dir))


def _entities_with_rows(warehouse: Path) -> set[str] | None:
    """Entities with rows in ``raw`` from earlier runs; None when it cannot be told (no
    warehouse yet is an empty set)."""
    if not warehouse.exists():
        return set()
    import duckdb

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None  # locked by a writer, or unreadable: the run itself will say
    try:
        found = set()
        for entity in ENTITY_ORDER:
            try:
                if con.execute(f"select exists (from raw.{entity})").fetchone()[0]:
                    found.add(entity)
            except duckdb.Error:
                continue
        return found
    finally:
        con.close()


def check_landing(settings: Settings) -> None:
    """Every required entity has landing files, a source, or rows from an earlier run."""
    from cxlink.sources.config import load_sources

    landing = settings.landing_dir
    config = load_sources(settings.sources_path)  # a bad sources file raises its own UserError
    unfed = [e for e in ENTITY_ORDER if not config.feeding(e) and not _landing_files(landing / e)]
    if len(unfed) == len(ENTITY_ORDER) and config.path is None:
        raise EmptyLandingError(
            f"no landing files under {landing}{_cwd_hint(settings.data_dir)}: put your exports "
            "in landing/<entity>/ (docs/operations.md#feeding-it-files) or run `cxlink "
            "generate-demo`."
        )
    required = [e for e in unfed if not ENTITIES[e].optional]
    if not required:
        return
    earlier = _entities_with_rows(settings.warehouse_path)
    if earlier is None:
        return
    missing = [e for e in required if e not in earlier]
    if missing:
        folders = ", ".join(f"landing/{e}/" for e in missing)
        fed_by = f" and no source in {config.path} feeds them" if config.path else ""
        raise MissingEntityError(
            f"no files for the required {'entity' if len(missing) == 1 else 'entities'} "
            f"{', '.join(missing)} under {landing}{fed_by}: deliver files to {folders} "
            "(README's landing contract) or add a source that feeds them (docs/sources.md)."
        )


def _cwd_hint(data_dir: Path) -> str:
    # A relative CXLINK_DATA_DIR is resolved from where cxlink was started: say so when the
    # data dir lies under a working directory other than the project (Settings keeps only the
    # resolved path, so whether it was relative cannot be told).
    cwd = Path.cwd().resolve()
    if cwd != PROJECT_ROOT and data_dir.is_relative_to(cwd):
        return f" (cxlink was started in {cwd}: a relative CXLINK_DATA_DIR is taken from there)"
    return ""


def needed_bytes(settings: Settings) -> int:
    return FIXED_NEED_BYTES + LANDING_FACTOR * landing_bytes(settings.landing_dir)


def check_disk_space(settings: Settings) -> None:
    free = shutil.disk_usage(settings.data_dir).free
    need = needed_bytes(settings)
    if free < need:
        raise DiskSpaceError(
            f"only {_mb(free)} free on the disk holding {settings.data_dir}, and a run needs "
            f"about {_mb(need)} ({LANDING_FACTOR}x the landing zone plus {_mb(FIXED_NEED_BYTES)}"
            "): free some space (`CXLINK_KEEP_RUNS` lower keeps less history) or set "
            "CXLINK_DATA_DIR to a bigger disk."
        )


def default_dagster_home(env: Mapping[str, str] | None = None) -> Path | None:
    """Where a run records its history: DAGSTER_HOME when set, else the repository root (what
    `make` sets, where dagster.yaml is), so `cxlink run` from any directory records into the
    history `make dev` shows; None when the repository root has no dagster.yaml."""
    env = os.environ if env is None else env
    if env.get("DAGSTER_HOME"):
        return Path(env["DAGSTER_HOME"])
    return PROJECT_ROOT if (PROJECT_ROOT / "dagster.yaml").is_file() else None


def check_dagster_home(env: Mapping[str, str] | None = None) -> None:
    env = os.environ if env is None else env
    home = env.get("DAGSTER_HOME")
    if not home:
        return
    path = Path(home)
    if not path.is_absolute() or not path.is_dir():
        problem = "is not an absolute path" if not path.is_absolute() else "does not exist"
        raise EnvironmentProblem(
            f"DAGSTER_HOME={home} {problem}: set it to an existing directory by its full path "
            f"(make uses {PROJECT_ROOT}), or unset it."
        )


def check_project_prepared() -> None:
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not manifest.is_file():
        raise EnvironmentProblem(
            f"the dbt manifest {manifest} is missing (the project was never prepared): run "
            f"`make prepare` in {PROJECT_ROOT}."
        )


def check_health_config(settings: Settings) -> None:
    """The health score configuration (CXLINK_HEALTH_SCORE_CONFIG) parses and is valid: a bad
    file would otherwise stop the dbt build minutes into the run with the same sentences."""
    load_config(settings.health_score_config)


def check_before_run(settings: Settings) -> None:
    """Every check, cheapest first; raises the first problem found."""
    check_python()
    check_dagster_home()
    check_project_prepared()
    check_data_dir(settings.data_dir)
    check_health_config(settings)
    check_landing(settings)
    check_disk_space(settings)


def _is_disk_full(error: BaseException | str) -> bool:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return True
    text = (error if isinstance(error, str) else str(error)).lower()
    return NO_SPACE.lower() in text or TOO_LARGE.lower() in text


def disk_full_error(error: BaseException | str, data_dir: Path) -> DiskSpaceError | None:
    """A one-sentence error for a disk that filled up during a run, or None if ``error`` (an
    exception, its causes, or a failed step's error text) is something else."""
    seen: set[int] = set()
    pending: list[BaseException | str] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if _is_disk_full(current):
            break
        if isinstance(current, BaseException):
            # Dagster wraps a step's exception (user_exception); Python chains the rest.
            for inner in (
                getattr(current, "user_exception", None),
                current.__cause__,
                current.__context__,
            ):
                if inner is not None:
                    pending.append(inner)
    else:
        return None
    free = shutil.disk_usage(data_dir).free if data_dir.exists() else 0
    return DiskSpaceError(
        f"the disk holding {data_dir} filled up during the run, or a file there reached its size "
        f"limit ({_mb(free)} free now): free "
        "some space or set CXLINK_DATA_DIR to a bigger disk, then run again (cxlink_bi.duckdb and "
        "the exports are still the previous run's)."
    )
