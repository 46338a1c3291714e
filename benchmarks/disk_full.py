"""The disk of the data directory filling up during a run (benchmarks/fault_injection.py).

On a tmpfs of its own when this process may mount one (root): a copy of the clean run's data
directory on it, a `cxlink run`, and once the run has passed its preflight (its first line) a
ballast file takes all but 2 MB of the room. Elsewhere each file the run writes is capped with
RLIMIT_FSIZE (8 MB) as the stand-in: the writes fail with EFBIG ("File too large") rather than
ENOSPC. Held: the run ends with an error, the published copy is the previous one, and (tmpfs)
the next run, with the ballast gone, publishes what a clean run does.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path

from benchmarks.fault_runs import Bench, Verdict
from cxlink.settings import PROJECT_ROOT
from tests.killed_runs import CXLINK, prepare_home

TMPFS_MB = 768  # above the preflight's 512 MB minimum, filled by ballast once the run started


def disk_full(bench: Bench) -> tuple[str, Verdict]:
    """The data directory's disk fills up during a run: on a tmpfs of its own when this
    process may mount one (root), else RLIMIT_FSIZE (each file the run writes capped) as the
    stand-in. Held: the run ends with the disk-full sentence (cxlink/preflight.py), the published
    copy is the previous one, and the next run with room publishes what a clean run does."""
    base = bench.root / "disk_full"
    shutil.rmtree(base, ignore_errors=True)
    mount = base / "disk"
    mount.mkdir(parents=True)
    tmpfs = os.geteuid() == 0 and _mount_tmpfs(mount)
    name = f"disk full ({'tmpfs' if tmpfs else 'RLIMIT_FSIZE stand-in'})"
    try:
        data_dir = mount / "data"
        shutil.copytree(bench.root / "clean" / "data", data_dir, symlinks=True)
        home = base / "home"
        prepare_home(home)
        before = bench.bi_copy(data_dir)
        code, tail = _run_filling(bench, data_dir, home, tmpfs)
        unchanged = bench.bi_copy(data_dir) == before
        with suppress(FileNotFoundError):
            (mount / "ballast").unlink()
        again = bench.run(data_dir, home, "after_disk_full").wait() if tmpfs else 0
        problems = bench.equals_reference(data_dir)
        # and the operator was told in one sentence, not by a traceback
        told = "filled up during the run" in tail
        held = code not in (0, None) and told and unchanged and again == 0 and not problems
        return name, Verdict(
            held, f"exit {code} ({tail[:110]}); copy kept: {unchanged}; rerun {again}"
        )
    finally:
        if tmpfs:
            subprocess.run(["umount", str(mount)], check=False)


def _mount_tmpfs(mount: Path) -> bool:
    out = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m", "tmpfs", str(mount)],
        capture_output=True,
    )
    return out.returncode == 0


def _run_filling(bench: Bench, data_dir: Path, home: Path, tmpfs: bool) -> tuple[int | None, str]:
    import resource

    env = {**bench.env, "CXLINK_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
    limit = 8 * 2**20  # RLIMIT_FSIZE: no file of the run may grow past 8 MB

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    log = data_dir.parent.parent / "disk_full.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(CXLINK), "run", "--no-summary"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=None if tmpfs else cap,
            start_new_session=True,
        )
        if tmpfs:  # the run passed its preflight once it prints its first line: then fill up
            while proc.poll() is None and "cxlink run:" not in log.read_text(errors="replace"):
                time.sleep(0.1)
            free = shutil.disk_usage(data_dir).free
            with (data_dir.parent / "ballast").open("wb") as ballast, suppress(OSError):
                for _ in range(max(0, free - 2 * 2**20) // 2**20):
                    ballast.write(b"\0" * 2**20)
        try:
            code = proc.wait(1800)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            return None, "no end after 1800 s"
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    signs = ("filled up", "No space left", "File too large", "free")
    said = next((line for line in lines if "filled up" in line), None) or next(
        (line for line in lines if any(sign in line for sign in signs)), lines[-1:]
    )
    return code, str(said).strip()
