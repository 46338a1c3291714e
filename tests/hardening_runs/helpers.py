"""Processes the run-level tests start and kill: Python snippets with this checkout's cxlink
importable, bounded waits, the members of a process session."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cxlink.settings import PROJECT_ROOT

WAIT_S = 60.0  # what a snippet may take to start on two loaded cores


def env(**extra: str) -> dict[str, str]:
    """This environment, with this checkout first on the path (not the venv's editable one)."""
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **extra}


def python(code: str, *args: str, **popen) -> subprocess.Popen:
    """``python -c code args...`` in its own session, from the repository root."""
    popen.setdefault("env", env())
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=PROJECT_ROOT, start_new_session=True, **popen
    )


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> float:
    """Poll until ``condition()``; returns the seconds it took, or fails naming ``what``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not {what} after {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


def session_members(sid: int) -> list[int]:
    """Live (non-zombie) processes of session ``sid``: a process and all it started."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def kill_session(proc: subprocess.Popen) -> None:
    """SIGKILL everything of ``proc``'s session (a test's cleanup), and reap ``proc``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid in session_members(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(10)
