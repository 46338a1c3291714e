"""kill -9 during extraction, during dbt and during publish, then rerun: the marts equal a clean
run's byte for byte, and `cxlink_bi.duckdb` is never left partial (issue 12, "Done when").

One seeded demo landing zone is copied into two data directories. A clean `cxlink run` builds
the reference in the first, while in the second the command is killed (SIGKILL to its whole
process group, dbt included) three times in a row, each time at a later stage, then run to the
end. After every kill `cxlink_bi.duckdb` is absent or whole (it opens and its marts are the clean
run's); after the last run every mart's rows, in `cxlink_bi.duckdb` and in the warehouse, have the
clean run's fingerprints (tests/mart_fingerprints.py).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.demo import generate
from tests.killed_runs import PipelineRun, RunLog, is_extract_step, prepare_home, publish_temp_files
from tests.mart_fingerprints import compare, mart_fingerprints

pytestmark = pytest.mark.xdist_group("fault_injection")

CUSTOMERS = 150
SEED = 7
AS_OF = "2026-10-31"  # the generator's as-of date: fixed, so every run computes the same marts
DBT_STEP = "cxlink_dbt_models"
PUBLISH_STEP = "publish__bi_copy"
DBT_MODELS_BEFORE_KILL = 5
PUBLISH_KILL_AFTER_S = 1.5  # the latest kill after the publish step starts (it takes ~3 s)


def in_extraction(log: RunLog) -> bool:
    """One entity extracted and the next one started: the raw layer is half loaded."""
    extract = [e for e in log.events if is_extract_step(e.step)]
    started = [e.step for e in extract if e.kind == "STEP_START"]
    return any(e.kind == "STEP_SUCCESS" for e in extract) and len(started) >= 2


def in_dbt(log: RunLog) -> bool:
    return log.materializations(DBT_STEP) >= DBT_MODELS_BEFORE_KILL


class InPublish:
    """Publishing has started and written a temporary file (or has run a while without one)."""

    def __init__(self, data_dir: Path):
        self.data_dir, self.since = data_dir, None

    def __call__(self, log: RunLog) -> bool:
        if not log.started(PUBLISH_STEP):
            return False
        self.since = self.since or time.monotonic()
        waited = time.monotonic() - self.since
        return bool(publish_temp_files(self.data_dir)) or waited > PUBLISH_KILL_AFTER_S


def bi_copy_state(data_dir: Path) -> dict[str, str] | None:
    """The published marts' fingerprints, None when there is no cxlink_bi.duckdb; raises if the file
    does not open (a partial file)."""
    path = data_dir / "cxlink_bi.duckdb"
    return mart_fingerprints(path, schema="marts") if path.exists() else None


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    generate(landing, customers=CUSTOMERS, seed=SEED)
    return landing


def test_killed_at_three_stages_then_rerun_equals_a_clean_run(
    tmp_path: Path, landing: Path, dbt_manifest: Path, tagger
):
    env = {**os.environ, "CXLINK_AS_OF_DATE": AS_OF, "CXLINK_TAGGER_DIR": str(tagger.directory)}
    dirs = {}
    for name in ("clean", "faulted"):
        shutil.copytree(landing, tmp_path / name / "data" / "landing")
        prepare_home(tmp_path / name / "dagster_home")
        dirs[name] = (tmp_path / name / "data", tmp_path / name / "dagster_home")

    # The reference runs beside the faulted sequence (separate data dirs and run histories).
    clean = PipelineRun(*dirs["clean"], env, "clean")
    data_dir, home = dirs["faulted"]
    after_kill: dict[str, dict[str, str] | None] = {}

    killed = PipelineRun(data_dir, home, env, "killed_in_extraction")
    log = killed.kill_when(in_extraction, "extraction started")
    assert not all(log.succeeded(f"raw__{entity}") for entity in ENTITY_ORDER), log.events
    assert (data_dir / "warehouse.duckdb").exists()  # something was extracted
    after_kill["extraction"] = bi_copy_state(data_dir)

    killed = PipelineRun(data_dir, home, env, "killed_in_dbt")
    log = killed.kill_when(in_dbt, f"dbt built {DBT_MODELS_BEFORE_KILL} models")
    assert log.running() == [DBT_STEP], log.running()
    after_kill["dbt"] = bi_copy_state(data_dir)

    killed = PipelineRun(data_dir, home, env, "killed_in_publish")
    log = killed.kill_when(InPublish(data_dir), "publishing")
    assert log.running() == [PUBLISH_STEP], log.running()
    after_kill["publish"] = bi_copy_state(data_dir)

    rerun = PipelineRun(data_dir, home, env, "rerun")
    assert rerun.wait() == 0, rerun.tail()
    assert clean.wait() == 0, clean.tail()

    reference = bi_copy_state(dirs["clean"][0])
    assert reference and len(reference) >= 10, reference
    for stage, state in after_kill.items():
        # absent, or the whole new version (the data did not change): never a partial file
        assert state is None or compare(reference, state) == [], (stage, state)
    assert compare(reference, bi_copy_state(data_dir)) == []
    # the killed publish left temporary files; the next run's publish removes them
    assert publish_temp_files(data_dir) == []
    warehouse = [mart_fingerprints(d / "warehouse.duckdb") for d, _ in dirs.values()]
    assert compare(*warehouse) == []
