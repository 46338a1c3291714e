"""The report page: one self-contained HTML file (styles, plotly.js and every figure inline).

plotly.js is embedded once, in the head, from the plotly package (no CDN, nothing fetched when
the page opens); each figure is a div plus the call that draws it. Element ids are fixed and
nothing varies between two renderings of the same figures, so the same data gives the same
bytes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import plotly.offline

from cxlink.front_page import NPS_CATEGORIES, Estimate, FrontPage
from cxlink.report.charts import Panel
from cxlink.report.queries import RevenueHeadline

# No modebar (it covers legends and subplot titles, and its links point at plotly's cloud):
# hover reads the values and intervals, drag zooms, a double click resets.
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}

STYLE = """
:root { --ink: #1d2733; --muted: #5b6776; --line: #dde2e8; --panel: #ffffff; --bg: #f4f6f8;
  --accent: #1f6fb4; --bad: #b2182b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
header { background: var(--ink); color: #fff; padding: 20px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header .meta { color: #c9d2dc; font-size: 14px; }
header .meta span + span::before { content: " · "; color: #8593a3; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 32px 40px; }
h2 { font-size: 19px; margin: 30px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
.headlines { display: grid; grid-template-columns: repeat(auto-fill, minmax(235px, 1fr)); gap: 12px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 24px; font-weight: 650; margin: 2px 0; white-space: nowrap; }
.card .detail { color: var(--muted); font-size: 13px; }
.card.missing .value { font-size: 15px; font-weight: 500; color: var(--muted); white-space: normal; }
.charts { display: grid; grid-template-columns: 1fr; gap: 16px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px 8px; }
.panel h3 { margin: 0 0 2px; font-size: 16px; }
.panel .caption { margin: 0 0 6px; color: var(--muted); font-size: 13px; }
.panel .note { margin: 4px 0 8px; font-size: 14px; font-weight: 600; }
.no-data { border: 2px dashed #c3cad3; border-radius: 8px; background: #fafbfc; color: var(--muted);
  padding: 28px 20px; margin: 8px 0 10px; text-align: center; font-size: 15px; }
.no-data strong { color: var(--ink); }
footer { color: var(--muted); font-size: 13px; margin-top: 28px; }
code { font-size: 13px; background: #eef1f4; padding: 1px 4px; border-radius: 3px; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _points(x: float) -> str:
    return f"{x:+.1f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _ratio(x: float) -> str:
    return f"{x:.1f}x"


def _interval(e: Estimate, fmt: Callable[[float], str]) -> str:
    if e.low is None or e.high is None:
        return "interval not estimable"
    return f"95% CI {fmt(e.low)} .. {fmt(e.high)}"


def _card(label: str, value: str | None, detail: str = "", missing: str = "") -> str:
    if value is None:
        return (
            f'<div class="card missing"><div class="label">{_e(label)}</div>'
            f'<div class="value">{_e(missing)}</div></div>'
        )
    return (
        f'<div class="card"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div><div class="detail">{_e(detail)}</div></div>'
    )


def _set(e: Estimate | None) -> bool:
    return e is not None and e.value is not None


def headline_cards(page: FrontPage, revenue: RevenueHeadline) -> list[str]:
    """The headline figures, each with its interval and n where it has one (the run summary's
    figures: cxlink.summary.read_front_page)."""
    money = page.currency
    cards = []
    if _set(page.nps):
        period = page.nps_period.replace("_", " ")
        cards.append(
            _card(
                f"NPS, {period}",
                _points(page.nps.value),
                f"{_interval(page.nps, _points)} · n = {page.nps_responses:,}",
            )
        )
    else:
        cards.append(_card("NPS", None, missing="no NPS responses in the data"))
    horizon = page.churn_horizon_months
    for category in reversed(NPS_CATEGORIES):  # detractors first: the figure finance asks for
        churn = page.churn_by_category.get(category)
        if _set(churn):
            cards.append(
                _card(
                    f"{horizon}-month logo churn, {category}s",
                    _pct(churn.value),
                    _interval(churn, _pct),
                )
            )
    if _set(page.churn_gap):
        gap = page.churn_gap
        cards.append(
            _card(
                "churn gap, detractors over promoters",
                f"{100 * gap.value:+.1f} pts",
                _interval(gap, lambda x: f"{100 * x:+.1f}"),
            )
        )
    # revenue at risk: detractor ARR x the churn gap, over the linkage horizon (not a year)
    for label, estimate in (
        (f"revenue at risk, ARR over {horizon or 12} months", page.revenue_at_risk),
        ("value of one NPS point a year", page.nps_point_value),
    ):
        if _set(estimate):
            cards.append(
                _card(
                    label,
                    f"{money} {estimate.value:,.0f}",
                    _interval(estimate, lambda x: f"{x:,.0f}"),
                )
            )
    if _set(page.clv_to_cac):
        payback = (
            f" · CAC payback {page.cac_payback_months:.1f} months"
            if page.cac_payback_months is not None
            else ""
        )
        cards.append(
            _card(
                "CLV / CAC, subscriptions",
                _ratio(page.clv_to_cac.value),
                _interval(page.clv_to_cac, _ratio) + payback,
            )
        )
    elif page.clv_to_cac is not None:
        cards.append(
            _card(
                "CLV / CAC",
                None,
                missing="not estimable: no acquisition cost in the CLV window",
            )
        )
    if revenue.mrr is not None:
        cards.append(
            _card(f"MRR, {revenue.month:%b %Y}", f"{money} {revenue.mrr:,.0f}", "end of month")
        )
    if revenue.nrr is not None:
        grr = f" · GRR {_pct(revenue.grr)}" if revenue.grr is not None else ""
        cards.append(
            _card(
                f"NRR, 12 months to {revenue.nrr_month:%b %Y}", _pct(revenue.nrr), grr.lstrip(" ·")
            )
        )
    if page.rows_in:
        cards.append(
            _card(
                "rows quarantined",
                f"{page.rows_quarantined:,}",
                f"of {page.rows_in:,} loaded ({page.rows_quarantined / page.rows_in:.2%})",
            )
        )
    return cards


def _meta(page: FrontPage) -> list[str]:
    parts = []
    publication = page.publication
    if publication is not None:
        start, end = publication.window_start, publication.window_end
        if start and end:
            parts.append(f"data {start:%b %Y} .. {end:%b %Y}")
        if page.as_of:
            parts.append(f"as of {page.as_of.isoformat()}")
        parts.append(f"published version {publication.version}")
    else:
        if page.as_of:
            parts.append(f"as of {page.as_of.isoformat()}")
        parts.append("not published (no cxlink_bi.duckdb)")
    parts.append(f"money in {page.currency}")
    return parts


def _panel(panel: Panel) -> str:
    chart = panel.chart
    head = (
        f'<section class="panel" id="panel-{chart.id}" data-chart="{chart.id}">'
        f'<h3>{_e(chart.title)}</h3><p class="caption">{_e(chart.caption)}</p>'
    )
    if panel.figure is None:
        return (
            f'{head}<div class="no-data" data-no-data="{chart.id}"><strong>No data</strong> '
            f"because {_e(panel.no_data)}.</div></section>"
        )
    note = f'<p class="note">{_e(panel.note)}</p>' if panel.note else ""
    figure = panel.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{chart.id}",
        config=PLOT_CONFIG,
        default_width="100%",
        default_height=f"{panel.figure.layout.height}px",
    )
    return f'{head}{note}<div class="chart" data-chart="{chart.id}">{figure}</div></section>'


def render(page: FrontPage, revenue: RevenueHeadline, panels: Sequence[Panel]) -> str:
    """The whole page as one string."""
    meta = "".join(f"<span>{_e(part)}</span>" for part in _meta(page))
    sections: dict[str, list[str]] = {}
    for panel in panels:
        sections.setdefault(panel.chart.section, []).append(_panel(panel))
    body = "".join(
        f'<h2>{_e(section)}</h2><div class="charts">{"".join(items)}</div>'
        for section, items in sections.items()
    )
    missing = (
        f'<p class="caption">Not built: marts {_e(", ".join(page.missing_marts))} '
        "(did the dbt build fail? see the run's log).</p>"
        if page.missing_marts
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>cxlink report</title>"
        f"<style>{STYLE}</style>"
        # plotly.js, once; its own licence header stays at the top of the bundle.
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
        "</head><body>"
        f'<header><h1>cxlink report</h1><div class="meta">{meta}</div></header>'
        "<main>"
        '<h2>Headlines</h2><p class="caption">95% intervals; definitions in docs/metrics.md.</p>'
        f'<div class="headlines">{"".join(headline_cards(page, revenue))}</div>{missing}'
        f"{body}"
        f"<footer>Written by <code>cxlink run</code> from the warehouse it published "
        f"(plotly.js {_e(plotly.offline.get_plotlyjs_version())} embedded; works offline). The same tables: "
        f"<code>cxlink_bi.duckdb</code>, <code>exports/</code>.</footer>"
        "</main></body></html>\n"
    )
