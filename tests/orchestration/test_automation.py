"""The landing sensor (new or changed landing files against the load manifest) and the schedule."""

from __future__ import annotations

import gzip
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from cxlink.contract import ENTITIES
from cxlink.extract.files import discover
from cxlink.extract.store import sync_files
from cxlink.settings import Settings
from cxlink.sources.config import load_sources
from orchestration.automation import daily_schedule, full_refresh_config, landing_sensor
from orchestration.landing_changes import watched_folders
from orchestration.resources import Warehouse

SENSOR = landing_sensor(watched_folders())
HEADER = "response_id,customer_id,responded_at,survey_type,score,channel\n"


def feedback_csv(response_id: str) -> str:
    return HEADER + f"{response_id},C1,2024-03-01 10:00:00,nps,9,email\n"


def evaluate(data_dir: Path, cursor: str | None):
    # a context manager: the warehouse resource has setup and teardown (the run lock)
    with dg.build_sensor_context(
        cursor=cursor, resources={"warehouse": Warehouse(data_dir=str(data_dir))}
    ) as context:
        return SENSOR(context), context.cursor


def load(data_dir: Path, entity: str) -> None:
    """What a run's extract does with the entity's files: copy them into the landing store and
    record them in the load manifest."""
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        files, _ = discover(data_dir / "landing", entity)
        report = sync_files(con, ENTITIES[entity], files)
        assert not report.errors, report.errors
    finally:
        con.close()


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    """A data dir whose landing files are all in the load manifest already."""
    feedback = tmp_path / "landing" / "feedback"
    feedback.mkdir(parents=True)
    (feedback / "a.csv").write_text(feedback_csv("R1"))
    (feedback / "notes.txt").write_text("not a landing file: never loaded, never a trigger")
    load(tmp_path, "feedback")
    return tmp_path


def test_no_landing_files_no_run(tmp_path: Path):
    result, _ = evaluate(tmp_path, None)
    assert isinstance(result, dg.SkipReason) and "no landing files" in result.skip_message


def test_files_already_loaded_start_no_run_on_the_first_tick(loaded: Path):
    """`make dev` on a data dir a run already loaded: no cursor yet, and still no run."""
    result, cursor = evaluate(loaded, None)
    assert isinstance(result, dg.SkipReason), result
    assert "already loaded" in result.skip_message
    assert cursor  # the listing's fingerprint: the next tick does not open the warehouse

    again, same = evaluate(loaded, cursor)
    assert isinstance(again, dg.SkipReason) and "unchanged" in again.skip_message
    assert same == cursor

    # touched but not changed (same size and sha256): still nothing to load
    (loaded / "landing" / "feedback" / "a.csv").write_text(feedback_csv("R1"))
    touched, _ = evaluate(loaded, cursor)
    assert isinstance(touched, dg.SkipReason) and "already loaded" in touched.skip_message


def test_a_changed_or_new_file_starts_one_run(loaded: Path):
    _, cursor = evaluate(loaded, None)
    feedback = loaded / "landing" / "feedback"
    (feedback / "a.csv").write_text(feedback_csv("R9"))  # same size, other content
    changed, cursor = evaluate(loaded, cursor)
    assert isinstance(changed, dg.RunRequest)
    assert changed.tags == {"cxlink/trigger": "landing_sensor"}  # no partition tags
    unchanged, _ = evaluate(loaded, cursor)
    assert isinstance(unchanged, dg.SkipReason)

    load(loaded, "feedback")
    (feedback / "b.csv").write_text(feedback_csv("R2"))
    new, _ = evaluate(loaded, cursor)
    assert isinstance(new, dg.RunRequest) and new.run_key != changed.run_key

    # a file still being written (*.part) or with a suffix no run reads is no trigger
    load(loaded, "feedback")
    _, cursor = evaluate(loaded, None)
    (feedback / "c.csv.part").write_text("response_id\n")
    (feedback / "readme.md").write_text("# feedback exports\n")
    partial, _ = evaluate(loaded, cursor)
    assert isinstance(partial, dg.SkipReason)

    # a compressed export is read by the run (cxlink.extract.files.file_format): a trigger too
    (feedback / "d.csv.gz").write_bytes(gzip.compress(feedback_csv("R3").encode()))
    compressed, _ = evaluate(loaded, cursor)
    assert isinstance(compressed, dg.RunRequest)


def test_a_busy_warehouse_skips_the_tick_and_keeps_the_cursor(loaded: Path):
    _, cursor = evaluate(loaded, None)
    (loaded / "landing" / "feedback" / "b.csv").write_text(feedback_csv("R2"))

    def locked(self, read_only: bool = False):
        raise duckdb.IOException('IO Error: Could not set lock on file "warehouse.duckdb"')

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Warehouse, "connect", locked)
        busy, kept = evaluate(loaded, cursor)
    assert isinstance(busy, dg.SkipReason) and "busy" in busy.skip_message
    assert kept == cursor  # looked at again on the next tick
    retry, _ = evaluate(loaded, kept)
    assert isinstance(retry, dg.RunRequest)


def test_a_fresh_data_dir_starts_a_run(tmp_path: Path):
    feedback = tmp_path / "landing" / "feedback"
    feedback.mkdir(parents=True)
    (feedback / "a.csv").write_text("response_id\nR1\n")
    result, _ = evaluate(tmp_path, None)  # no warehouse yet
    assert isinstance(result, dg.RunRequest)


def test_watched_folders_follow_the_sources_file(tmp_path: Path):
    """A file source's export folder is watched with its suffixes; the folder of an entity a
    source feeds is not (the run does not read it)."""
    sources_file = tmp_path / "sources.yml"
    sources_file.write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {"name": "qualtrics", "kind": "qualtrics_export", "entities": ["feedback"]}
                ]
            }
        )
    )
    folders = watched_folders(load_sources(sources_file))
    assert folders["qualtrics"] == {".csv": "csv"}
    assert "feedback" not in folders and ".jsonl" in folders["customers"]


def test_schedule_comes_from_the_settings_object():
    settings = Settings.from_env(
        {"CXLINK_SCHEDULE_CRON": "30 2 * * 1-5", "CXLINK_SCHEDULE_TIMEZONE": "Europe/Helsinki"}
    )
    schedule = daily_schedule(settings.schedule_cron, settings.schedule_timezone)
    assert schedule.cron_schedule == "30 2 * * 1-5"
    assert schedule.execution_timezone == "Europe/Helsinki"
    assert schedule.job_name == "cxlink_all"
    assert set(full_refresh_config()["ops"]) == {
        "text__feedback_translations",
        "text__statement_tags",
    }


def test_settings_resolve_one_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"CXLINK_DATA_DIR": "rel/data"})
    data = tmp_path / "rel" / "data"
    assert settings.data_dir == data
    assert settings.landing_dir == data / "landing"
    assert settings.warehouse_path == data / "warehouse.duckdb"
    assert settings.dbt_vars()["data_dir"] == str(data)
    warehouse = Warehouse(data_dir=str(settings.data_dir))
    assert warehouse.layout() == settings.layout
    assert warehouse.layout().bi_copy_path == data / "cxlink_bi.duckdb"
    assert warehouse.layout().exports_dir == data / "exports"
