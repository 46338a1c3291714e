"""Retention: the last CXLINK_KEEP_RUNS runs' history, dbt target folders and log files stay;
the rest is deleted, and nothing else in those folders is touched."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import dagster as dg
import pytest

from cxlink import retention
from cxlink.retention import prune
from cxlink.settings import DataLayout, Settings


@dg.asset
def tiny() -> int:
    return 1


@dg.asset_check(asset=tiny)
def tiny_is_one() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _one_run(instance: dg.DagsterInstance) -> str:
    defs = dg.Definitions(assets=[tiny], asset_checks=[tiny_is_one])
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(instance=instance)
    assert result.success
    return result.run_id


def _check_rows(home: Path) -> dict[str, int]:
    con = sqlite3.connect(home / "history" / "runs" / "index.db")
    try:
        rows = con.execute("select run_id, count(*) from asset_check_executions group by 1")
        return dict(rows.fetchall())
    finally:
        con.close()


def _touch_aged(path: Path, age: int, is_dir: bool = False) -> Path:
    """A file or folder whose modification time is ``age`` seconds in the past."""
    if is_dir:
        path.mkdir(parents=True)
        (path / "run_results.json").write_text("{}" * 100)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x" * 100)
    stamp = 1_700_000_000 - age
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "dagster_home"
    path.mkdir()
    return path


@pytest.fixture
def no_repo_targets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the repository's dbt target folder at a temp dir (the tests never touch the repo)."""
    fake_project = tmp_path / "dbt_project"
    (fake_project / "target").mkdir(parents=True)
    monkeypatch.setattr("cxlink.settings.DBT_PROJECT_DIR", fake_project)
    return fake_project / "target"


def test_prune_keeps_the_newest_runs_and_removes_their_history(home, tmp_path, no_repo_targets):
    settings = Settings(data_dir=tmp_path / "data", keep_runs=3)
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        run_ids = [_one_run(instance) for _ in range(6)]
        shards = home / "history" / "runs"
        assert all((shards / f"{r}.db").is_file() for r in run_ids)
        assert all((home / "storage" / r).is_dir() for r in run_ids)
        assert set(_check_rows(home)) == set(run_ids)

        report = prune(settings, instance)

        kept = [r.run_id for r in instance.get_runs()]
        assert kept == run_ids[:2:-1]  # the 3 newest, newest first
        assert sorted(report.runs_deleted) == sorted(run_ids[:3])
        assert report.runs_kept == 3
        # the deleted runs' event files are gone, their check rows too; the kept ones stay
        assert [r for r in run_ids if (shards / f"{r}.db").exists()] == run_ids[3:]
        assert set(_check_rows(home)) == set(run_ids[3:])
        logs = home / "storage"
        assert [r for r in run_ids if (logs / r).exists()] == run_ids[3:]  # captured logs
        assert report.bytes_freed > 0
        # the kept runs are intact: their events and the asset's latest materialization
        assert instance.get_latest_materialization_event(dg.AssetKey("tiny")).run_id == run_ids[-1]
        assert instance.all_logs(run_ids[-1])

        # the SQLite files that hold what was deleted are compacted (VACUUM)
        vacuumed = retention._sqlite_files(instance, [])[1]
        assert {p.name for p in vacuumed} == {"runs.db", "index.db"}
        # a second prune with nothing to delete deletes nothing
        again = prune(settings, instance)
        assert again.runs_deleted == [] and again.runs_kept == 3


def test_prune_without_an_instance_and_on_an_ephemeral_one(tmp_path, no_repo_targets):
    settings = Settings(data_dir=tmp_path / "data", keep_runs=2)
    assert prune(settings, None).runs_deleted == []
    instance = dg.DagsterInstance.ephemeral()
    run_ids = [_one_run(instance) for _ in range(4)]
    report = prune(settings, instance)
    assert sorted(report.runs_deleted) == sorted(run_ids[:2])
    assert [r.run_id for r in instance.get_runs()] == run_ids[:1:-1]


def test_unfinished_runs_are_never_deleted(home, tmp_path, no_repo_targets):
    settings = Settings(data_dir=tmp_path / "data", keep_runs=1)
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        queued = instance.add_run(
            dg.DagsterRun(
                job_name="started_elsewhere", run_id="q" * 36, status=dg.DagsterRunStatus.STARTED
            )
        )
        newer = [_one_run(instance) for _ in range(2)]
        report = prune(settings, instance)
        assert report.runs_deleted == [newer[0]]
        assert {r.run_id for r in instance.get_runs()} == {queued.run_id, newer[1]}


def test_prune_keeps_the_newest_dbt_targets_and_logs_and_nothing_else(tmp_path, no_repo_targets):
    data = tmp_path / "data"
    settings = Settings(data_dir=data, keep_runs=2)
    targets = DataLayout(data).dbt_target_dir
    folders = [
        _touch_aged(targets / f"cxlink_dbt_models-{i:07x}-abcdef{i}", age=100 - i, is_dir=True)
        for i in range(5)
    ]
    # what is not a per-run folder stays: a file, a folder of another shape
    others = [
        _touch_aged(targets / "notes.txt", age=1000),
        _touch_aged(targets / "my-folder", age=1000, is_dir=True),
    ]
    # the repo's target folder: old per-run folders go, the manifest and partial parse stay
    legacy = [
        _touch_aged(
            no_repo_targets / f"cxlink_dbt_models-{i:07x}-1234567", age=500 - i, is_dir=True
        )
        for i in range(3)
    ]
    manifest = _touch_aged(no_repo_targets / "manifest.json", age=2000)
    partial = _touch_aged(no_repo_targets / "partial_parse.msgpack", age=2000)
    logs = [
        _touch_aged(DataLayout(data).run_logs_dir / f"run-2026120{i}T010000.log", age=100 - i)
        for i in range(4)
    ]
    other_log = _touch_aged(DataLayout(data).run_logs_dir / "dagster.log", age=1000)
    landing = _touch_aged(data / "landing" / "customers" / "a.csv", age=5000)

    report = prune(settings, None)

    assert sorted(p.name for p in targets.iterdir() if p.is_dir()) == sorted(
        [folders[3].name, folders[4].name, "my-folder"]
    )
    assert all(p.exists() for p in [*others, manifest, partial, other_log, landing])
    assert [p for p in legacy if p.exists()] == legacy[1:]
    assert sorted(p.name for p in DataLayout(data).run_logs_dir.glob("run-*.log")) == [
        logs[2].name,
        logs[3].name,
    ]
    assert len(report.dbt_targets_deleted) == 4 and len(report.logs_deleted) == 2
    assert report.bytes_freed == 4 * 200 + 2 * 100
    assert "deleted 0 runs, 4 dbt target folders, 2 log files" in str(report)


def test_the_dbt_resource_writes_its_target_folders_under_the_data_dir(tmp_path):
    from orchestration.resources import build_resources

    dbt = build_resources(Settings(data_dir=tmp_path / "data"))["dbt"]
    target = dbt._get_unique_target_path(context=None)
    assert target.parent == DataLayout(tmp_path / "data").dbt_target_dir
    assert retention.DBT_RUN_TARGET.match("cxlink_dbt_models-1af8471-6af9787")


def test_a_folder_that_cannot_be_deleted_is_left_and_not_reported(
    tmp_path, no_repo_targets, monkeypatch
):
    # a read-only checkout: the old per-run folders in dbt_project/target cannot go
    for i in range(3):
        _touch_aged(no_repo_targets / f"cxlink_dbt_models-{i:07x}-1234567", age=10 - i, is_dir=True)

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(retention.shutil, "rmtree", refuse)
    report = prune(Settings(data_dir=tmp_path / "data", keep_runs=1), None)
    assert report.dbt_targets_deleted == [] and report.bytes_freed == 0
    assert len(list(no_repo_targets.iterdir())) == 3
