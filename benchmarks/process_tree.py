"""Peak resident memory of a process and everything it starts (dbt, ...), sampled from /proc.

``getrusage`` gives only the largest single process; a run's peak is the sum over the tree at
one moment (the pipeline process and its dbt subprocess hold memory at the same time).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(table: Mapping[int, tuple[int, int]], root: int) -> int:
    """Bytes resident in ``root`` and its descendants; ``table``: pid -> (parent pid, rss bytes)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in table:
            continue
        seen.add(pid)
        total += table[pid][1]
        todo.extend(children.get(pid, ()))
    return total


def process_table(proc: Path = Path("/proc")) -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, rss bytes) of every process now (one that exits meanwhile is skipped)."""
    table = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            rss_pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        # the command name (field 2) may hold spaces and parentheses: split after the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        table[int(entry.name)] = (ppid, rss_pages * PAGE)
    return table


class PeakSampler:
    """Samples the tree under ``pid`` every ``interval`` seconds in a thread until stopped."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(process_table(), self.pid))
            self._stop.wait(self.interval)
