"""Another process holding ``warehouse.duckdb``: wait a little, then say which one and what to do.

DuckDB lets a file be open either by one writing process or by any number of read-only ones,
and a read-only connection in another process (a notebook, a BI tool, the DuckDB CLI) makes
every write fail at once: ``IO Error: Could not set lock on file "...": Conflicting lock is
held in <program> (PID <pid>)``. The run's writers open the warehouse through
``connect_waiting``: a short read (the landing sensor's check, `cxlink summary`) is waited out,
retrying for up to ``READER_WAIT_S``; a reader that stays is named with its command line, and
the fix (close it; read ``cxlink_bi.duckdb`` instead) ends the message (``WarehouseBusyError``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb

from cxlink.errors import UserError
from cxlink.runlog import processes

READER_WAIT_S = 15.0  # a sensor tick or `cxlink summary` reads for well under a second
RETRY_EVERY_S = 0.25
LOCK_ERROR = re.compile(r"Could not set lock on file .*Conflicting lock is held in .*\(PID (\d+)\)")


class WarehouseBusyError(UserError):
    """Another process has the warehouse open, so this run cannot write it."""


def lock_holder(error: BaseException) -> int | None:
    """The pid DuckDB names in a lock conflict, or None for any other error."""
    match = LOCK_ERROR.search(str(error))
    return int(match.group(1)) if match else None


def busy_message(path: Path, pid: int, waited_s: float) -> str:
    return (
        f"{path} is open in another process, {processes.describe(pid)}, and stayed open for "
        f"{waited_s:.0f} s, so this run cannot write it: close that connection or stop the "
        f"process (`kill {pid}`), then run again; notebooks, BI tools and scripts should open "
        f"{Path(path).with_name('cxlink_bi.duckdb').name} read-only instead (docs/bi-tools.md)."
    )


def connect_waiting(
    path: Path, read_only: bool = False, wait_s: float | None = None
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect(path)``, retrying while another process holds a conflicting lock for at
    most ``wait_s`` seconds (default ``READER_WAIT_S``); then ``WarehouseBusyError`` naming
    that process."""
    wait_s = READER_WAIT_S if wait_s is None else wait_s
    started = time.monotonic()
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            pid = lock_holder(exc)
            waited = time.monotonic() - started
            if pid is None:
                raise
            if waited >= wait_s:
                raise WarehouseBusyError(busy_message(Path(path), pid, waited)) from exc
            time.sleep(RETRY_EVERY_S)


def wait_until_writable(path: Path, wait_s: float | None = None) -> None:
    """Return once this process could open the warehouse for writing (at once when it does
    not exist yet); ``WarehouseBusyError`` when a reader holds it for longer than ``wait_s``."""
    if Path(path).exists():
        connect_waiting(path, read_only=False, wait_s=wait_s).close()
