"""The landing sensor and the settings it relies on."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from cxlink.settings import Settings
from orchestration.automation import daily_schedule, landing_sensor
from orchestration.resources import Warehouse


def evaluate(landing_root: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"warehouse": Warehouse(data_dir=str(landing_root))}
    )
    return landing_sensor(context), context.cursor


def test_sensor_requests_a_run_only_when_landing_files_change(tmp_path: Path):
    result, cursor = evaluate(tmp_path, None)
    assert isinstance(result, dg.SkipReason)
    assert "no landing files" in result.skip_message

    feedback = tmp_path / "landing" / "feedback"
    feedback.mkdir(parents=True)
    (feedback / "a.csv").write_text("response_id\nR1\n")
    (feedback / "notes.txt").write_text("not a landing file")
    first, cursor = evaluate(tmp_path, None)
    assert isinstance(first, dg.RunRequest) and first.run_key.startswith("landing-")

    unchanged, same_cursor = evaluate(tmp_path, cursor)
    assert isinstance(unchanged, dg.SkipReason) and same_cursor == cursor

    (feedback / "b.jsonl").write_text('{"response_id": "R2"}\n')
    second, new_cursor = evaluate(tmp_path, cursor)
    assert isinstance(second, dg.RunRequest)
    assert second.run_key != first.run_key and new_cursor != cursor

    # a file still being written (*.part) does not trigger a run
    (feedback / "c.csv.part").write_text("response_id\n")
    partial, _ = evaluate(tmp_path, new_cursor)
    assert isinstance(partial, dg.SkipReason)


def test_schedule_cron_is_a_setting(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CXLINK_SCHEDULE_CRON", "30 2 * * *")
    assert daily_schedule().cron_schedule == "30 2 * * *"


def test_settings_resolve_one_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"CXLINK_DATA_DIR": "rel/data"})
    assert settings.data_dir == tmp_path / "rel" / "data"
    assert settings.landing_dir == tmp_path / "rel" / "data" / "landing"
    assert settings.warehouse_path == tmp_path / "rel" / "data" / "warehouse.duckdb"
    assert settings.dbt_env()["CXLINK_DATA_DIR"] == str(tmp_path / "rel" / "data")
    with pytest.raises(ValueError, match="CXLINK_REPORTING_CURRENCY"):
        Settings.from_env({"CXLINK_REPORTING_CURRENCY": "euro"})
    configured = Warehouse(data_dir=str(tmp_path / "x"), reporting_currency="usd").settings()
    assert configured.data_dir == tmp_path / "x" and configured.reporting_currency == "USD"
