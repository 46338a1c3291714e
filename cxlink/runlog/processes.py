"""Is a process still there, and what is it (standard library only, read from ``/proc``).

Used to tell a run whose process was killed from one still running (``dead_runs``) and to name
the process that holds a lock (``run_lock``, ``warehouse_lock``). A process id is reused once
its process is gone, so a process that started after the moment it was seen to be ours is not
ours (``started_after``). A zombie (exited, not yet reaped by its parent) counts as gone. Where
there is no ``/proc`` (macOS) only ``os.kill(pid, 0)`` is asked.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PROC = Path("/proc")
# /proc's boot time is whole seconds and a start time has clock-tick resolution: a process that
# started up to this long after the moment it is compared with is still taken to be the same one.
START_SLACK_S = 2.0


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


@cache
def _boot_time() -> float | None:
    try:
        for line in (PROC / "stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def started_at(pid: int) -> float | None:
    """When the process started (seconds since the epoch), or None when unknown."""
    fields = _stat_fields(pid)
    boot = _boot_time()
    if fields is None or boot is None:
        return None
    # field 22 of stat (starttime, clock ticks after boot) is the 20th after the name
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def is_alive(pid: int, seen_at: float | None = None) -> bool:
    """Whether process ``pid`` exists and is not a zombie; with ``seen_at`` (a time at which
    the process was known to exist), also that it is not a later process with the same id."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user's process
    fields = _stat_fields(pid)
    if fields is not None and fields[0] in ("Z", "X"):
        return False
    if seen_at is not None:
        start = started_at(pid)
        if start is not None and start > seen_at + START_SLACK_S:
            return False
    return True


def describe(pid: int) -> str:
    """``pid 1234 (python3.11 -m cxlink.cli run)``: the pid and, when readable, its command line
    (shortened to 120 characters)."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return f"pid {pid}"
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    if not words:
        return f"pid {pid}"
    words[0] = Path(words[0]).name
    command = " ".join(" ".join(words).split())  # one line, whatever the arguments hold
    if len(command) > 120:
        command = command[:117] + "..."
    return f"pid {pid} ({command})"
