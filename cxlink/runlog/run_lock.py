"""One run at a time per data directory: ``$CXLINK_DATA_DIR/.run.lock``.

DuckDB admits one writing process per file, so two runs on one data directory (two
``cxlink run``, or one beside a run the UI's sensor started) make each other fail on the
warehouse lock, and neither publishes. A run therefore holds an exclusive ``flock`` on
``.run.lock`` from its start to its end: ``cxlink run`` before it touches anything, a run of the
Dagster daemon while its ``warehouse`` resource is set up (``orchestration/resources.py``).
The kernel releases the lock when the holding process ends, even by ``kill -9``, so a killed
run never leaves it behind. The holder writes its pid, run id and start time into the file; a
second run stops at once with one sentence that names them and the fix (``RunBusyError``).

The lock is re-entrant within a process (``cxlink run`` holds it, and its in-process run's
resource takes it again). ``run_in_progress`` tells a reader (the landing sensor) that a run
is writing, without taking the lock from it: a reader's shared probe can only delay a starting
run, which retries for ``ACQUIRE_RETRY_S``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cxlink.errors import UserError
from cxlink.runlog import processes

try:  # POSIX; elsewhere there is no lock and two runs at once are the user's problem
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".run.lock"
ACQUIRE_RETRY_S = 2.0  # a reader's momentary shared probe (run_in_progress) must not fail a run
RETRY_EVERY_S = 0.05


class RunBusyError(UserError):
    """Another run holds the data directory."""


@dataclass
class _Held:
    fd: int
    depth: int


_held: dict[Path, _Held] = {}


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOCK_NAME


def _key(data_dir: Path) -> Path:
    return lock_path(data_dir).resolve()


def holder_of(data_dir: Path) -> dict:
    """What the holder wrote into the lock file (pid, run_id, started); {} when unreadable."""
    try:
        return json.loads(lock_path(data_dir).read_text() or "{}")
    except (OSError, ValueError):
        return {}


def busy_message(data_dir: Path, holder: dict) -> str:
    pid = holder.get("pid")
    who = processes.describe(int(pid)) if str(pid).isdigit() else "a process"
    run = f"run {holder['run_id']}" if holder.get("run_id") else "a run"
    since = f", started {holder['started']}" if holder.get("started") else ""
    stop = f"`kill {pid}`" if str(pid).isdigit() else "stopping it"
    return (
        f"another cxlink run is already running on {data_dir}: {run} in {who}{since}; one run "
        f"at a time per data directory: wait for it to finish (or stop it with {stop}), then "
        "run again."
    )


def acquire(data_dir: Path, run_id: str | None = None, retry_s: float = ACQUIRE_RETRY_S) -> None:
    """Take the run lock of ``data_dir`` (or raise ``RunBusyError``); ``release`` gives it back."""
    key = _key(data_dir)
    if key in _held:
        _held[key].depth += 1
        return
    if fcntl is None:
        _held[key] = _Held(-1, 1)
        return
    # A first run on a fresh data directory takes the lock before anything else writes there.
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(data_dir), os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + retry_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = holder_of(data_dir)
            pid = holder.get("pid")
            # a live run wrote its pid: stop now; else a reader's probe, gone in a moment
            running = isinstance(pid, int) and processes.is_alive(pid)
            if running or time.monotonic() >= deadline:
                os.close(fd)
                raise RunBusyError(busy_message(Path(data_dir), holder)) from None
            time.sleep(RETRY_EVERY_S)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    info = {"pid": os.getpid(), "run_id": run_id, "started": started}
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
    _held[key] = _Held(fd, 1)


def release(data_dir: Path) -> None:
    key = _key(data_dir)
    held = _held.get(key)
    if held is None:
        return
    held.depth -= 1
    if held.depth == 0:
        del _held[key]
        if held.fd >= 0:
            os.ftruncate(held.fd, 0)  # no stale holder for the next reader of the file
            os.close(held.fd)  # closing releases the lock


@contextmanager
def run_lock(data_dir: Path, run_id: str | None = None) -> Iterator[None]:
    acquire(data_dir, run_id)
    try:
        yield
    finally:
        release(data_dir)


def held_here(data_dir: Path) -> bool:
    return _key(data_dir) in _held


def run_in_progress(data_dir: Path) -> bool:
    """Whether a run of another process holds ``data_dir`` now (a momentary shared probe)."""
    path = lock_path(data_dir)
    if fcntl is None or held_here(data_dir) or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the shared probe, if it was taken
    return False
