"""Preflight: each common mistake fails at once with one sentence naming it and the fix."""

from __future__ import annotations

import dataclasses
import errno
import os
import tomllib
from collections import namedtuple
from pathlib import Path

import duckdb
import pytest

from cxlink import preflight
from cxlink.contract import ENTITIES, ENTITY_ORDER
from cxlink.errors import UserError
from cxlink.health.config import HealthConfigError
from cxlink.preflight import (
    DataDirError,
    DiskSpaceError,
    EmptyLandingError,
    EnvironmentProblem,
    MissingEntityError,
    check_before_run,
    check_dagster_home,
    check_data_dir,
    check_disk_space,
    check_landing,
    check_python,
    default_dagster_home,
    disk_full_error,
)
from cxlink.settings import PROJECT_ROOT, Settings

REQUIRED = [e for e in ENTITY_ORDER if not ENTITIES[e].optional]


def one_sentence(err: pytest.ExceptionInfo) -> str:
    text = str(err.value)
    assert isinstance(err.value, UserError)
    assert ": " in text and text.endswith(".") and "\n" not in text, text
    return text


def deliver(data_dir: Path, *entities: str) -> None:
    for entity in entities:
        folder = data_dir / "landing" / entity
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "export.csv").write_text("a,b\n1,2\n")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def test_wrong_python_version_is_named_with_the_fix():
    check_python((3, 11))
    with pytest.raises(EnvironmentProblem) as err:
        check_python((3, 13))
    text = one_sentence(err)
    assert "Python 3.11" in text and "Python 3.13" in text and "PYTHON=" in text


def test_supported_python_matches_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.12"
    assert preflight.SUPPORTED_PYTHON == (3, 11)


def test_a_missing_data_dir_is_created(tmp_path):
    check_data_dir(tmp_path / "new" / "data")
    assert (tmp_path / "new" / "data").is_dir()
    assert list((tmp_path / "new" / "data").iterdir()) == []  # the write probe left nothing


def test_a_data_dir_that_is_a_file_or_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataDirError) as err:
        check_data_dir(tmp_path / "file")
    assert "is a file, not a directory" in one_sentence(err)
    with pytest.raises(DataDirError) as err:
        check_data_dir(tmp_path / "file" / "data")  # a parent that is a file: mkdir fails
    assert "does not exist and cannot be created" in one_sentence(err)


def test_a_read_only_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    if os.geteuid() != 0:  # root writes through chmod: simulate a read-only mount instead
        data.chmod(0o555)
    else:

        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(preflight.tempfile, "TemporaryFile", read_only)
    try:
        with pytest.raises(DataDirError) as err:
            check_data_dir(data)
        text = one_sentence(err)
        assert "is not writable" in text and str(data) in text and "CXLINK_DATA_DIR" in text
    finally:
        data.chmod(0o755)


def test_an_empty_landing_zone_fails_fast_with_the_fix(settings):
    (settings.landing_dir / "customers").mkdir(parents=True)
    (settings.landing_dir / "customers" / "upload.csv.part").write_text("still arriving")
    with pytest.raises(EmptyLandingError) as err:
        check_landing(settings)
    text = one_sentence(err)
    assert f"no landing files under {settings.landing_dir}" in text
    assert "landing/<entity>/" in text and "cxlink generate-demo" in text


def test_a_relative_data_dir_is_explained(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EmptyLandingError) as err:
        check_landing(Settings.from_env({"CXLINK_DATA_DIR": "data"}))
    text = one_sentence(err)
    assert f"cxlink was started in {tmp_path.resolve()}: a relative CXLINK_DATA_DIR" in text


def test_a_required_entity_without_files_is_named(settings):
    deliver(settings.data_dir, *[e for e in REQUIRED if e != "invoices"])
    with pytest.raises(MissingEntityError) as err:
        check_landing(settings)
    text = one_sentence(err)
    assert "required entity invoices" in text and "landing/invoices/" in text
    # the optional entity (fx_rates) is never asked for
    assert "fx_rates" not in text
    deliver(settings.data_dir, "invoices")
    check_landing(settings)


def test_an_entity_fed_by_a_source_or_by_earlier_runs_is_not_missing(settings):
    deliver(settings.data_dir, *[e for e in REQUIRED if e not in ("feedback", "customers")])
    settings.data_dir.mkdir(exist_ok=True)
    (settings.data_dir / "sources.yml").write_text(
        "sources:\n  - name: qualtrics\n    kind: qualtrics_export\n    entities: [feedback]\n"
    )
    with pytest.raises(MissingEntityError) as err:
        check_landing(settings)
    text = one_sentence(err)
    assert "entity customers" in text and "feedback" not in text.split(":")[0]
    assert "no source in" in text
    # rows loaded by an earlier run count (the landing zone may be cleaned after delivery)
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("create schema raw; create table raw.customers as select 1 as customer_id")
    con.close()
    check_landing(settings)


def test_too_little_free_disk_scales_with_the_landing_zone(settings, monkeypatch):
    deliver(settings.data_dir, *REQUIRED)
    size = preflight.landing_bytes(settings.landing_dir)
    need = preflight.FIXED_NEED_BYTES + preflight.LANDING_FACTOR * size
    assert preflight.needed_bytes(settings) == need
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(preflight.shutil, "disk_usage", lambda _: usage(10**12, 0, need))
    check_disk_space(settings)
    monkeypatch.setattr(preflight.shutil, "disk_usage", lambda _: usage(10**12, 0, need - 1))
    with pytest.raises(DiskSpaceError) as err:
        check_disk_space(settings)
    text = one_sentence(err)
    assert "free on the disk holding" in text and "CXLINK_DATA_DIR" in text


def test_a_bad_dagster_home(tmp_path):
    check_dagster_home({})
    check_dagster_home({"DAGSTER_HOME": str(tmp_path)})
    for bad, problem in (
        ("relative/home", "not an absolute path"),
        (str(tmp_path / "x"), "does not exist"),
    ):
        with pytest.raises(EnvironmentProblem) as err:
            check_dagster_home({"DAGSTER_HOME": bad})
        assert problem in one_sentence(err)


def test_runs_started_elsewhere_record_into_the_projects_history(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the working directory plays no part
    assert default_dagster_home({}) == PROJECT_ROOT
    assert default_dagster_home({"DAGSTER_HOME": "/x/y"}) == Path("/x/y")


def test_an_unprepared_project(monkeypatch, tmp_path):
    monkeypatch.setattr(preflight, "DBT_PROJECT_DIR", tmp_path)
    with pytest.raises(EnvironmentProblem) as err:
        preflight.check_project_prepared()
    assert "make prepare" in one_sentence(err)


def test_check_before_run_passes_on_a_delivered_landing_zone_from_any_directory(
    settings, monkeypatch, tmp_path
):
    monkeypatch.setattr(preflight, "check_project_prepared", lambda: None)  # no dbt parse here
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.chdir("/")
    deliver(settings.data_dir, *REQUIRED)
    check_before_run(settings)
    with pytest.raises(EmptyLandingError):
        check_before_run(Settings(data_dir=tmp_path / "empty"))


def test_a_bad_health_score_configuration_stops_before_the_run(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(preflight, "check_project_prepared", lambda: None)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    deliver(settings.data_dir, *REQUIRED)
    bad = tmp_path / "health.yml"
    bad.write_text("weights: {nps_category: 0.5}\nbands: {green: 30, red: 60}\n")
    with pytest.raises(HealthConfigError) as error:
        check_before_run(dataclasses.replace(settings, health_score_config=bad))
    assert str(bad) in str(error.value)
    check_before_run(settings)  # the shipped configuration is valid


def test_a_full_disk_during_a_run_becomes_one_sentence(tmp_path):
    enospc = OSError(errno.ENOSPC, "No space left on device")
    duck = duckdb.IOException('IO Error: Could not write file "x.duckdb": No space left on device')
    try:
        try:
            raise enospc
        except OSError as inner:
            raise RuntimeError("step failed") from inner
    except RuntimeError as wrapped:
        chained = wrapped
    step_text = "dagster_dbt.errors.DbtCliError: ... No space left on device (os error 28)"
    # A file-size limit (quota, `ulimit -f`) fails writes with EFBIG instead.
    efbig = OSError(errno.EFBIG, "File too large")
    efbig_text = 'IO Error: Could not write file "warehouse.duckdb.wal": File too large'
    for error in (enospc, duck, chained, step_text, efbig, efbig_text):
        found = disk_full_error(error, tmp_path)
        assert isinstance(found, DiskSpaceError), error
        text = str(found)
        assert "filled up during the run" in text and str(tmp_path) in text
        assert text.endswith(".") and "\n" not in text
    assert disk_full_error(ValueError("bad value"), tmp_path) is None
    assert disk_full_error(OSError(errno.EACCES, "Permission denied"), tmp_path) is None
    assert disk_full_error("ordinary failure", tmp_path) is None
