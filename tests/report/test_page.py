"""The report page from a hand-made warehouse: every chart or a reason, plotly.js once and
nothing fetched from elsewhere, the headline figures with their intervals, the same bytes for
the same data, and a file replaced in one rename."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import plotly.offline
import pytest

from cxlink.front_page import Estimate, FrontPage
from cxlink.report import build_report, write_report
from cxlink.report.charts import CHARTS
from cxlink.report.page import headline_cards
from cxlink.report.queries import RevenueHeadline
from cxlink.settings import Settings
from tests.report import handmade

CHART_IDS = [chart.id for chart in CHARTS]


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, reporting_currency="EUR")


def _build(tmp_path: Path, **tables) -> tuple[str, object]:
    handmade.build(tmp_path / "warehouse.duckdb", **tables)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        return build_report(_settings(tmp_path), con)


def test_every_chart_is_drawn_from_a_complete_warehouse(tmp_path: Path):
    text, result = _build(tmp_path)
    assert result.charts == CHART_IDS
    assert result.no_data == {}
    for chart in CHART_IDS:
        assert f'<div id="chart-{chart}" class="plotly-graph-div"' in text
        assert f'Plotly.newPlot(                        "chart-{chart}"' in text
    assert "No data</strong> because" not in text
    # the alert panel says what the test found
    assert "1 alert(s) in October 2026 (month): Uptime and outages." in text


def test_plotly_js_is_embedded_once_and_nothing_is_loaded_from_elsewhere(tmp_path: Path):
    text, _ = _build(tmp_path)
    bundle = plotly.offline.get_plotlyjs()
    assert text.count(bundle) == 1
    assert text.count("* plotly.js v") == 1
    # no script, style sheet, image or frame comes from a URL: everything is inline
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", text, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\shref=", text, re.IGNORECASE)
    assert "@import" not in text and "cdn.plot.ly" not in text.replace(bundle, "")


def test_a_chart_without_data_says_why_instead_of_plotting(tmp_path: Path):
    text, result = _build(
        tmp_path, without=("marts.mrr_bridge_total",), empty=("marts.nps_retention_summary",)
    )
    assert result.no_data == {
        "retention-by-nps": (
            "no NPS response is old enough for its 3-month retention horizon to have passed "
            "(marts.nps_retention_summary is empty)"
        ),
        "mrr-bridge": (
            "marts.mrr_bridge_total is not in the warehouse: the run did not build it (see the "
            "run's log for the failed dbt model), or the warehouse predates it; run `make run`"
        ),
    }
    assert 'id="chart-mrr-bridge"' not in text and 'id="chart-retention-by-nps"' not in text
    assert (
        '<div class="no-data" data-no-data="mrr-bridge"><strong>No data</strong> because '
        "marts.mrr_bridge_total is not in the warehouse"
    ) in text
    assert len(result.charts) == len(CHART_IDS) - 2


def test_unit_economics_draws_the_side_it_has(tmp_path: Path):
    text, result = _build(tmp_path, without=("marts.clv_by_plan_tier",))
    assert {"clv-to-cac", "cac-payback"} <= set(result.charts)
    assert '"text":"subscription, by acquisition channel"' in text
    assert ', by plan tier"' not in text
    _, result = _build(
        tmp_path / "none", without=("marts.clv_by_plan_tier",), empty=("marts.clv_by_channel",)
    )
    assert result.no_data["clv-to-cac"].startswith("no acquisition cost falls in the CLV window")


def test_an_empty_warehouse_gives_a_page_of_reasons(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    with duckdb.connect(str(path), read_only=True) as con:
        text, result = build_report(_settings(tmp_path), con)
    assert result.charts == []
    assert set(result.no_data) == set(CHART_IDS)
    assert text.count("No data</strong> because") == len(CHART_IDS)
    assert "not published (no cxlink_bi.duckdb)" in text


def test_the_same_data_gives_the_same_bytes(tmp_path: Path):
    first, _ = _build(tmp_path)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        second, _ = build_report(_settings(tmp_path), con)
    assert first == second


def test_write_report_replaces_the_file_in_one_rename(tmp_path: Path):
    handmade.build(tmp_path / "warehouse.duckdb")
    target = tmp_path / "report" / "index.html"
    target.parent.mkdir()
    target.write_text("old report")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        result = write_report(_settings(tmp_path), con)
    assert result.path == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert result.bytes == target.stat().st_size
    assert sorted(p.name for p in target.parent.iterdir()) == ["index.html"]  # no temp file left


def _page() -> FrontPage:
    return FrontPage(
        currency="EUR",
        as_of=date(2026, 10, 31),
        nps=Estimate(35.21, 33.38, 37.02),
        nps_responses=6838,
        churn_horizon_months=12,
        churn_by_category={
            "promoter": Estimate(0.100966, 0.084788, 0.119826),
            "detractor": Estimate(0.367403, 0.319374, 0.418217),
        },
        churn_gap=Estimate(0.266438, 0.213782, 0.319093),
        revenue_at_risk=Estimate(1650166.68, 1324047.17, 1976286.19),
        nps_point_value=Estimate(58792.16, None, None),
        clv_to_cac=Estimate(4.2, 3.61, 4.93),
        cac_payback_months=14.26,
        rows_in=150083,
        rows_quarantined=36,
    )


def _cards(page: FrontPage, revenue: RevenueHeadline) -> list[list[str]]:
    """Each card as [label, value, detail], text only."""
    return [
        [re.sub(r"<[^>]+>", "", part) for part in re.findall(r'<div class="[a-z]+">(.*?)</div>', c)]
        for c in headline_cards(page, revenue)
    ]


def test_headline_cards_show_each_figure_with_its_interval():
    revenue = RevenueHeadline(date(2026, 10, 1), 1450013.33, date(2026, 10, 1), 0.929, 0.804)
    assert _cards(_page(), revenue) == [
        ["NPS, last 12 months", "+35.2", "95% CI +33.4 .. +37.0 · n = 6,838"],
        ["12-month logo churn, detractors", "36.7%", "95% CI 31.9% .. 41.8%"],
        ["12-month logo churn, promoters", "10.1%", "95% CI 8.5% .. 12.0%"],
        ["churn gap, detractors over promoters", "+26.6 pts", "95% CI +21.4 .. +31.9"],
        ["revenue at risk, ARR over 12 months", "EUR 1,650,167", "95% CI 1,324,047 .. 1,976,286"],
        ["value of one NPS point a year", "EUR 58,792", "interval not estimable"],
        ["CLV / CAC, subscriptions", "4.2x", "95% CI 3.6x .. 4.9x · CAC payback 14.3 months"],
        ["MRR, Oct 2026", "EUR 1,450,013", "end of month"],
        ["NRR, 12 months to Oct 2026", "92.9%", "GRR 80.4%"],
        ["rows quarantined", "36", "of 150,083 loaded (0.02%)"],
    ]


def test_headline_cards_say_what_is_missing():
    page = FrontPage(currency="EUR", clv_to_cac=Estimate(None))
    assert _cards(page, RevenueHeadline()) == [
        ["NPS", "no NPS responses in the data"],
        ["CLV / CAC", "not estimable: no acquisition cost in the CLV window"],
    ]


@pytest.mark.parametrize("chart", CHARTS, ids=CHART_IDS)
def test_every_chart_names_the_tables_it_reads(chart):
    assert re.search(r"\b(marts|quarantine)\.[a-z_0-9]+", chart.caption), chart.id
