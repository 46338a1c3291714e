"""Fault injection: the publishing process is killed (SIGKILL) at every step and at 12 random
moments. After each kill cxlink_bi.duckdb is the old or the new complete copy, the exports are one
complete set whose version says which copy it belongs to (never newer than the copy), and after
the next run's cleanup and publish everything equals a clean publish, byte for byte.

Each kill is a fresh subprocess running ``cxlink.publish.publish`` on a small warehouse that
alternates between two versions of the marts (48 and 96 rows in nps_monthly).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from cxlink.publish import clean_leftovers, publish, read_published
from cxlink.settings import DataLayout
from tests.publish.conftest import build_warehouse, leftovers, sha256

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2025, 1, 15)
RANDOM_KILLS = 12
SEED = 20251202

# Runs one publish. With a step number k > 0, SIGKILLs itself just before the k-th file-system
# step that changes what is visible (a rename, replace, symlink or folder removal).
PUBLISHER = r"""
import os, shutil, signal, sys, time
from datetime import date
from pathlib import Path
from cxlink.publish import publish
from cxlink.settings import DataLayout

warehouse, data_dir, day, kill_at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
steps = 0

def counted(function):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return step

for name in ("rename", "replace", "symlink"):
    setattr(os, name, counted(getattr(os, name)))
shutil.rmtree = counted(shutil.rmtree)
print("ready", flush=True)
started = time.perf_counter()
publish(Path(warehouse), DataLayout(Path(data_dir)), run_date=date.fromisoformat(day))
print("done", steps, time.perf_counter() - started, flush=True)
"""


def start_publisher(warehouse: Path, layout: DataLayout, kill_at: int = 0) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PUBLISHER,
            str(warehouse),
            str(layout.data_dir),
            DAY.isoformat(),
            str(kill_at),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.readline().strip() == "ready", proc.communicate()
    return proc


def snapshot(layout: DataLayout) -> dict:
    """Everything a reader can see: the copy's rows and comments, every export file's bytes,
    the data directory's names and where `exports` points."""
    con = duckdb.connect(str(layout.bi_copy_path), read_only=True)
    try:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        tables = {
            f"{s}.{t}": con.execute(f'select * from "{s}"."{t}"').fetchall() for s, t in names
        }
        comments = con.execute(
            "select schema_name, table_name, comment from duckdb_tables() order by all"
        ).fetchall()
    finally:
        con.close()
    link = layout.exports_dir
    return {
        "tables": tables,
        "comments": comments,
        "files": {
            p.relative_to(link).as_posix(): sha256(p) for p in link.rglob("*") if p.is_file()
        },
        "names": sorted(p.name for p in layout.data_dir.iterdir()),
        "link": os.readlink(link),
    }


def observe(layout: DataLayout, rows: dict[str, dict[str, int]]) -> tuple[str, str]:
    """(the copy's version, the exports' version), checking that each is whole."""
    con = duckdb.connect(str(layout.bi_copy_path), read_only=True)  # never partial: it opens
    try:
        [(copy_version,)] = con.execute("select version from meta.publish_info").fetchall()
        counts = {
            t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0]
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    finally:
        con.close()
    assert counts == rows[copy_version]
    link = layout.exports_dir
    manifest = read_published(link)
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {p.relative_to(link).as_posix(): p for p in link.rglob("*") if p.is_file()}
    assert set(on_disk) == {*listed, "PUBLISHED.json"}
    assert all(sha256(on_disk[path]) == digest for path, digest in listed.items())
    wb = openpyxl.load_workbook(link / "cxlink_finance.xlsx", read_only=True)
    readme = {r[0]: r[1] for r in wb["README"].iter_rows(max_row=3, values_only=True) if len(r) > 1}
    wb.close()
    assert readme["version"] == manifest["version"]
    return copy_version, manifest["version"]


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two warehouses (old and new marts) and a clean publish of each, the reference."""
    base = tmp_path_factory.mktemp("kills")
    warehouses = [build_warehouse(base / f"warehouse-{s}.duckdb", scale=s) for s in (1, 2)]
    references, versions, rows = [], [], {}
    for i, warehouse in enumerate(warehouses):
        layout = DataLayout(base / f"reference-{i}")
        version = publish(warehouse, layout, run_date=DAY).version
        references.append(snapshot(layout))
        versions.append(version)
        rows[version] = {
            name.split(".", 1)[1]: len(values)
            for name, values in references[-1]["tables"].items()
            if name.startswith("marts.")
        }
    assert versions[0] != versions[1]
    return {"warehouses": warehouses, "references": references, "versions": versions, "rows": rows}


def check_after_kill(layout: DataLayout, marts: dict, old: int, new: int) -> None:
    old_version, new_version = marts["versions"][old], marts["versions"][new]
    copy, exports = observe(layout, marts["rows"])
    # the exports are never ahead of the copy; the copy may be ahead of the exports
    assert (copy, exports) in {
        (old_version, old_version),
        (new_version, old_version),
        (new_version, new_version),
    }
    clean_leftovers(layout)  # the next run's start
    copy, exports = observe(layout, marts["rows"])
    assert copy == exports
    assert leftovers(layout.data_dir) == []
    # the rerun publishes the new marts: equal to a clean publish of them
    publish(marts["warehouses"][new], layout, run_date=DAY)
    assert snapshot(layout) == marts["references"][new]
    assert leftovers(layout.data_dir) == []


def fresh_layout(tmp_path: Path, marts: dict) -> DataLayout:
    layout = DataLayout(tmp_path / "data")
    publish(marts["warehouses"][0], layout, run_date=DAY)
    assert snapshot(layout) == marts["references"][0]
    return layout


def test_a_kill_before_each_step_leaves_one_version(tmp_path: Path, marts: dict):
    layout = fresh_layout(tmp_path, marts)
    proc = start_publisher(marts["warehouses"][1], layout)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    steps = int(out.split()[1])
    assert steps >= 5  # commit, replace the copy, symlink, switch, remove the old set
    current = 1
    for kill_at in range(1, steps + 1):
        new = 1 - current
        proc = start_publisher(marts["warehouses"][new], layout, kill_at)
        proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL, kill_at
        check_after_kill(layout, marts, current, new)
        current = new


def test_twelve_kills_at_random_moments(tmp_path: Path, marts: dict):
    layout = fresh_layout(tmp_path, marts)
    proc = start_publisher(marts["warehouses"][1], layout)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    duration = float(out.split()[2])  # where the kills land, not an assertion
    rng = random.Random(SEED)
    current, killed = 1, 0
    for _ in range(RANDOM_KILLS):
        new = 1 - current
        proc = start_publisher(marts["warehouses"][new], layout)
        time.sleep(rng.uniform(0, 1.2 * duration))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=120)
        check_after_kill(layout, marts, current, new)
        current = new
    assert killed >= 1
    shutil.rmtree(layout.data_dir)
