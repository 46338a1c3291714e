"""The run summary points BI users at the published copy and the exports, not at the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cxlink.settings import Settings
from cxlink.summary import summary_lines


def _warehouse(data_dir: Path) -> Settings:
    settings = Settings(data_dir=data_dir)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.nps_overall as
            select 'all_time' as period, 10 as responses, 30.0 as nps, 5.0 as ci_low,
                   50.0 as ci_high, 'adjusted_wald' as ci_method
            """
        )
    finally:
        con.close()
    return settings


def _line(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(label))


def test_summary_sends_bi_tools_to_the_published_copy(tmp_path: Path):
    settings = _warehouse(tmp_path)
    (tmp_path / "marts.duckdb").touch()
    lines = summary_lines(settings)

    bi_line = _line(lines, "BI tools:")
    assert str(tmp_path / "marts.duckdb") in bi_line
    assert "not there yet" not in bi_line
    assert str(tmp_path / "exports") in _line(lines, "exports:")
    # the warehouse is named, but as the pipeline's file, never as the place for BI tools
    warehouse_line = _line(lines, "warehouse:")
    assert str(settings.warehouse_path) in warehouse_line
    assert "not for BI tools" in warehouse_line
    assert [line for line in lines if str(settings.warehouse_path) in line and "BI" in line] == [
        warehouse_line
    ]
    assert "NPS all_time: +30.0 (95% CI +5.0 .. +50.0, adjusted_wald, n=10)" in lines


def test_summary_says_when_nothing_is_published_yet(tmp_path: Path):
    lines = summary_lines(_warehouse(tmp_path))
    assert "not there yet" in _line(lines, "BI tools:")


def test_summary_without_a_warehouse_says_what_to_run(tmp_path: Path):
    assert summary_lines(Settings(data_dir=tmp_path)) == [
        f"No warehouse at {tmp_path / 'warehouse.duckdb'} yet: run `make run` (or `make demo`)."
    ]
