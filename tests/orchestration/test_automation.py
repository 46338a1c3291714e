"""The landing sensor and the settings it relies on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from cxlink.settings import Settings
from orchestration.automation import daily_schedule, full_range_tags, landing_sensor
from orchestration.partitions import feedback_month_partitions
from orchestration.resources import Warehouse

MONTHS = feedback_month_partitions(date(2024, 3, 15))


def evaluate(landing_root: Path, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"warehouse": Warehouse(data_dir=str(landing_root))}
    )
    return landing_sensor(MONTHS)(context), context.cursor


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
    # every feedback month, from the configured start
    assert first.tags["dagster/asset_partition_range_start"] == "2024-03-01"

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


def test_schedule_and_partitions_come_from_the_settings_object():
    settings = Settings.from_env(
        {
            "CXLINK_SCHEDULE_CRON": "30 2 * * 1-5",
            "CXLINK_SCHEDULE_TIMEZONE": "Europe/Helsinki",
            "CXLINK_PARTITIONS_START": "2023-05-20",
        }
    )
    months = feedback_month_partitions(settings.partitions_start)
    schedule = daily_schedule(settings.schedule_cron, settings.schedule_timezone, months)
    assert schedule.cron_schedule == "30 2 * * 1-5"
    assert schedule.execution_timezone == "Europe/Helsinki"
    assert months.get_first_partition_key() == "2023-05-01"
    tags = full_range_tags(months)
    assert tags["dagster/asset_partition_range_start"] == "2023-05-01"
    assert tags["dagster/asset_partition_range_end"] == months.get_last_partition_key()


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
    assert warehouse.layout().bi_copy_path == data / "marts.duckdb"
    assert warehouse.layout().exports_dir == data / "exports"
