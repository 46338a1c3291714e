"""``python dbt_child.py DBT ARGS...``: run dbt so that it dies with the process that started it.

dagster-dbt starts dbt with a plain ``subprocess.Popen``: killed with ``kill -9`` (or by the OOM
killer), a run's process leaves its dbt behind, which keeps writing the warehouse for a minute
or more and holds its lock against the next run. This launcher asks the kernel to send dbt
SIGKILL when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``, kept across ``exec``), checks
that the parent did not die while it asked (a parent killed during the launcher's own start-up,
a few tens of milliseconds, goes unnoticed), and replaces itself with dbt (``os.execv``: the same
pid, so dagster-dbt's streaming and its Ctrl-C forwarding see dbt itself). Elsewhere it only
execs dbt. Standard library only, and run by its path (not ``-m``): it must work whatever
``cxlink`` the working directory would import.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """Ask for SIGKILL when the parent dies; False where the system cannot (not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: dbt_child.py DBT_EXECUTABLE [ARGS...]")
    parent = os.getppid()
    if die_with_parent() and os.getppid() != parent:
        sys.exit(1)  # the parent died before the request took effect: nothing to run for
    os.execvp(argv[0], argv)  # a bare name (`dbt`) is looked up on PATH


if __name__ == "__main__":
    main(sys.argv[1:])
