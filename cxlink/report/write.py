"""Write the report of a warehouse to ``$CXLINK_DATA_DIR/report/index.html``, atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cxlink.report.charts import draw_panels
from cxlink.report.page import render
from cxlink.report.queries import revenue_headline
from cxlink.settings import Settings
from cxlink.summary import read_front_page

REPORT_FILE = "index.html"


@dataclass
class ReportResult:
    path: Path
    bytes: int
    charts: list[str] = field(default_factory=list)  # ids of the charts drawn
    no_data: dict[str, str] = field(default_factory=dict)  # chart id -> why it has no data


def build_report(settings: Settings, con: duckdb.DuckDBPyConnection) -> tuple[str, ReportResult]:
    """The page for the warehouse ``con`` (read-only is enough) and what it holds."""
    page = read_front_page(settings, con)
    panels = draw_panels(con, settings.reporting_currency)
    text = render(page, revenue_headline(con), panels)
    result = ReportResult(
        settings.layout.report_dir / REPORT_FILE,
        len(text.encode("utf-8")),
        [p.chart.id for p in panels if p.figure is not None],
        {p.chart.id: p.no_data for p in panels if p.no_data is not None},
    )
    return text, result


def write_report(settings: Settings, con: duckdb.DuckDBPyConnection) -> ReportResult:
    """Build the page and replace ``report/index.html`` with it in one rename, so a browser
    (or `make report`'s server) never reads half a file."""
    text, result = build_report(settings, con)
    result.path.parent.mkdir(parents=True, exist_ok=True)
    temp = result.path.with_name(f".{REPORT_FILE}.tmp-{os.getpid()}")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, result.path)
    finally:
        temp.unlink(missing_ok=True)
    return result
