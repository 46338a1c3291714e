"""The report in a real browser: headless Chromium (Debian's, `make chromium`) opens the page a
demo run wrote, with no console error and no request but the file itself, and draws every
chart; a full-page screenshot is kept for a person to look at (build/report/screenshot.png, and
in screen-high parts screenshot-<n>.png).

Skipped only where Chromium is missing outside CI; in CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from cxlink.report import write_report
from cxlink.report.charts import CHARTS
from cxlink.settings import PROJECT_ROOT, Settings
from tests.report import handmade
from tests.report.browser import WIDTH, find_chromium, load_page

SCREENSHOTS = PROJECT_ROOT / "build" / "report"
TILE = 1100  # pixels: the height of one part of the screenshot


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        message = (
            "chromium is not installed: `make chromium` installs Debian's package "
            "(/usr/bin/chromium), which the report's browser test drives"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + "; CI runs this test")
    return path


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _keep(png: bytes, name: str, tmp_path: Path) -> Path:
    """The screenshot in the test's folder and, for a person, under build/report/."""
    path = tmp_path / name
    path.write_bytes(png)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SCREENSHOTS / name)
    return path


def test_the_demo_report_draws_every_chart_in_chromium(demo_run, chromium: str, tmp_path: Path):
    data_dir, _, result = demo_run
    assert result.success
    page = data_dir / "report" / "index.html"
    assert page.exists(), "the run wrote no report"

    load = load_page(chromium, page.as_uri(), tmp_path / "profile", tile_height=TILE)

    assert load.console_errors == []
    # offline: the browser asked for the file and nothing else
    assert [url for url in load.requests if not url.startswith("data:")] == [page.as_uri()]
    assert load.no_data == [], "the demo has data for every chart"
    assert [c["id"] for c in load.charts] == [chart.id for chart in CHARTS]
    for chart in load.charts:
        # drawn: a plot as wide as its panel, with data marks in it (not empty axes)
        assert chart["width"] > WIDTH / 2 and chart["height"] >= 300, chart
        assert chart["traces"] >= 1 and chart["marks"] >= 1, chart
    width, height = _png_size(load.screenshot)
    assert (width, height) == (WIDTH, load.height)
    assert height > 400 * len(CHARTS)  # every panel is in the picture
    _keep(load.screenshot, "screenshot.png", tmp_path)
    # the same page in screen-high parts, which an image viewer shows at full size
    assert len(load.tiles) == -(-height // TILE)
    for i, tile in enumerate(load.tiles, 1):
        assert _png_size(tile)[0] == WIDTH
        _keep(tile, f"screenshot-{i}.png", tmp_path)


def test_charts_without_data_show_their_reason_in_chromium(chromium: str, tmp_path: Path):
    handmade.build(
        tmp_path / "warehouse.duckdb",
        without=("marts.mrr_bridge_total", "quarantine.ledger"),
        empty=("marts.topic_alerts_overall",),
    )
    settings = Settings(data_dir=tmp_path)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        report = write_report(settings, con)

    load = load_page(chromium, report.path.as_uri(), tmp_path / "profile")

    assert load.console_errors == []
    assert [n["id"] for n in load.no_data] == ["mrr-bridge", "topic-alerts", "quarantine"]
    assert all(n["text"].startswith("No data because ") for n in load.no_data)
    assert len(load.charts) == len(CHARTS) - 3
    assert all(c["marks"] >= 1 and c["width"] > WIDTH / 2 for c in load.charts)
    _keep(load.screenshot, "screenshot-no-data.png", tmp_path)
