"""tools/with_progress.py: a setup step shows a start line, progress while it runs, and on
failure the end of its log and the log's path."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from cxlink.settings import PROJECT_ROOT

TOOL = PROJECT_ROOT / "tools" / "with_progress.py"


def wrapped(tmp_path: Path, script: str, every: str = "10") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), "--label", "doing a thing", "--log", str(tmp_path / "s.log"),
         "--every", every, "--", sys.executable, "-c", script],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_quick_step_prints_one_line_and_logs_everything(tmp_path):
    result = wrapped(
        tmp_path, "print('Collecting dagster'); print('Installing collected packages')"
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    assert len(lines) == 1 and re.fullmatch(r"setup: doing a thing: done in \d+ s", lines[0])
    log = (tmp_path / "s.log").read_text()
    assert "Collecting dagster" in log and "Installing collected packages" in log


def test_a_long_step_shows_the_latest_meaningful_line_while_it_runs(tmp_path):
    script = (
        "import time\n"
        "print('\\x1b[0mCollecting dagster', flush=True)\n"
        "print(\"WARNING: Location 'file:///x' is ignored\", flush=True)\n"
        "time.sleep(4)\n"
        "print('Installing collected packages: dagster', flush=True)\n"
        "time.sleep(3)\n"
    )
    result = wrapped(tmp_path, script, every="0.5")
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout
    # into a pipe: one line per output line seen, the elapsed time appended while it stays
    collecting = [line for line in lines if "s  Collecting dagster" in line]
    installing = [line for line in lines if "s  Installing collected packages" in line]
    assert len(collecting) == 1 and len(installing) == 1, result.stdout
    assert re.search(r"Collecting dagster( \.\. \d+ s){2,}$", collecting[0]), collecting[0]
    assert lines[0] == "setup: doing a thing"
    assert lines[-1].startswith("  done in ") and len(lines) == 4
    assert "is ignored" not in result.stdout  # noise never becomes the progress line
    assert "\x1b" not in result.stdout  # nor terminal colour codes


def test_a_failure_shows_the_log_tail_unfiltered_and_keeps_the_exit_code(tmp_path):
    script = (
        "import sys\n"
        "print(\"WARNING: Location 'file:///x' is ignored\")\n"
        "print('ERROR: No matching distribution found for nothing==1', file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    result = wrapped(tmp_path, script)
    assert result.returncode == 3
    out = result.stdout
    assert "setup: doing a thing: FAILED (exit code 3)" in out
    assert "ERROR: No matching distribution found for nothing==1" in out
    assert "is ignored" in out  # the tail is the log as it is
    assert f"the full output is in {tmp_path / 's.log'}" in out


def test_a_command_that_cannot_start(tmp_path):
    result = subprocess.run(
        [sys.executable, str(TOOL), "--label", "x", "--log", str(tmp_path / "s.log"), "--",
         str(tmp_path / "no-such-program")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 127 and "cannot start" in result.stdout


def test_show_result_ends_with_the_commands_last_line(tmp_path):
    result = subprocess.run(
        [sys.executable, str(TOOL), "--label", "x", "--log", str(tmp_path / "s.log"),
         "--show-result", "--", sys.executable, "-c", "print('written 7 files')"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.stdout.splitlines()[-1].endswith(" s: written 7 files")
