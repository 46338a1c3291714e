"""Shared fixtures: a prepared dbt manifest, one trained tagger and one full demo run per session.

`make test` runs the suite with `-n 2 --dist loadgroup`. The expensive session fixtures are built
once per session (the terminal summary says how often each was built; tests/shared_builds.py):

- `demo_run`: every test that uses it (directly or through `con`) is put in the xdist group
  "demo_run", so one worker runs them all and the run happens once;
- `tagger`: trained by the first worker that needs it, under a file lock, and loaded from disk by
  the other; the pipelines of the tests load it (`CXLINK_TAGGER_DIR`) instead of training their
  own.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from cxlink.demo import generate
from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from cxlink.tagging.artifact import MODEL_FILE, load_artifact, load_inputs, train_and_write
from cxlink.tagging.evaluate import Evaluation, evaluate
from cxlink.tagging.model import TaggerModel
from tests import shared_builds
from tests.shared_builds import record_build

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

DBT = PROJECT_ROOT / ".venv" / "bin" / "dbt"

# Session fixtures too costly to build on both workers -> the xdist group of every test using
# them. A group is scheduled on one worker as a whole (`--dist loadgroup`).
SHARED_FIXTURE_GROUPS = {
    "demo_run": "demo_run",
    # tests/finance/conftest.py: the known account, from contract files and through connectors
    "known_account_warehouse": "finance_known_answers",
    "known_account_via_sources": "finance_known_answers",
    # tests/topics/conftest.py: the two hand-made topic warehouses
    "blocks": "topic_warehouses",
    "stream": "topic_warehouses",
    # tests/follow_ups/conftest.py: the hand-made follow-up accounts
    "follow_ups_warehouse": "follow_ups_warehouse",
    # tests/health/conftest.py: the health score's known accounts
    "health_warehouse": "health_known_answers",
    "health_signals_warehouse": "health_known_answers",
}


@pytest.hookimpl(tryfirst=True)  # before xdist turns the marks into group ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for group in sorted({g for f, g in SHARED_FIXTURE_GROUPS.items() if f in fixtures}):
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_sessionfinish(session: pytest.Session) -> None:
    shared_builds.send_to_controller(session.config)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: absent with -p no:xdist
def pytest_testnodedown(node, error) -> None:
    shared_builds.receive_from_worker(node)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    shared_builds.report(terminalreporter, config)


def prepare_dbt_manifest() -> Path:
    """`dbt parse` when no manifest exists, so dagster-dbt can load the project on a fresh clone.

    `make test` parses before pytest starts, so parallel workers never race on target/.
    """
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if manifest.exists():
        return manifest
    dbt = str(DBT) if DBT.exists() else "dbt"
    subprocess.run(
        [dbt, "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        check=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    return manifest


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    return prepare_dbt_manifest()


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every xdist worker of this session shares (the session's temp dir: each
    worker's own temp dir is a child of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@dataclass(frozen=True)
class TrainedTagger:
    model: TaggerModel
    evaluation: Evaluation
    directory: Path


@pytest.fixture(scope="session")
def tagger(request: pytest.FixtureRequest, session_dir: Path) -> TrainedTagger:
    """The default tagger (shipped labeled data and taxonomy), trained once per session."""
    inputs = load_inputs()
    models = session_dir / "tagger-models"
    with FileLock(session_dir / "tagger-models.lock"):
        directory = models / inputs.version
        if (directory / MODEL_FILE).exists():
            model = load_artifact(directory)
            evaluation = evaluate(model, inputs.labeled.split("eval"))
        else:
            with record_build(request.config, "tagger"):
                model, evaluation, directory, _ = train_and_write(inputs, models)
    return TrainedTagger(model, evaluation, directory)


@pytest.fixture
def shared_tagger(tagger: TrainedTagger, monkeypatch: pytest.MonkeyPatch) -> TrainedTagger:
    """Pipelines run in this test load the session's tagger instead of training one."""
    monkeypatch.setenv("CXLINK_TAGGER_DIR", str(tagger.directory))
    return tagger


@pytest.fixture(scope="session")
def demo_run(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    dbt_manifest: Path,
    tagger: TrainedTagger,
):
    """One full pipeline run on the default demo landing zone, shared by every end-to-end test.

    Returns (data_dir, ground_truth, result). Every test using it is in the xdist group
    "demo_run" (SHARED_FIXTURE_GROUPS), so the run happens once per session.
    """
    from tests.pipeline_run import DEMO_CUSTOMERS, DEMO_SEED, materialize

    with record_build(request.config, "demo_run"):
        data_dir = tmp_path_factory.mktemp("demo")
        generate(data_dir / "landing", customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
        truth = json.loads((data_dir / "landing" / "ground_truth.json").read_text())
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CXLINK_TAGGER_DIR", str(tagger.directory))
            result = materialize(data_dir)
    return data_dir, truth, result


@pytest.fixture
def con(demo_run):
    """Read-only connection to the demo warehouse, closed after each test (the rerun test needs
    the file to itself)."""
    data_dir, _, _ = demo_run
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()
