"""The report's charts, in page order: what each shows, what it reads and how it is drawn.

``draw_panels`` runs every chart: its query (cxlink.report.queries) then its figure
(cxlink.report.figures). A chart whose data is missing becomes a panel that says why
(``queries.NoData``), never an empty plot; any other error is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import plotly.graph_objects as go

from cxlink.report import figures, queries
from cxlink.report.queries import NoData


@dataclass(frozen=True)
class Chart:
    id: str  # the chart's element id on the page (stable: tests and links use it)
    section: str
    title: str
    caption: str  # how to read it, and where its figures are defined
    draw: Callable[[duckdb.DuckDBPyConnection, str], go.Figure]  # (con, currency) -> figure


@dataclass(frozen=True)
class Panel:
    chart: Chart
    figure: go.Figure | None = None
    no_data: str | None = None  # why there is no figure
    note: str | None = None  # a sentence about what the figure found (e.g. no alerts)


def _unit_economics(con: duckdb.DuckDBPyConnection, column: str) -> go.Figure:
    sides = []
    reasons = []
    for dimension in ("acquisition_channel", "plan_tier"):
        try:
            sides.append(queries.clv_by(con, dimension))
        except NoData as missing:
            sides.append(None)
            reasons.append(str(missing))
    if all(side is None for side in sides):
        raise NoData(reasons[0])
    return figures.unit_economics(sides[0], sides[1], column)


NPS, LINKAGE, REVENUE, UNITS, TOPICS, QUALITY = (
    "NPS",
    "NPS, retention and revenue",
    "Revenue",
    "Unit economics",
    "Topics in the comments",
    "Data quality",
)

CHARTS: tuple[Chart, ...] = (
    Chart(
        "nps-trend",
        NPS,
        "NPS by month, every respondent",
        "Net Promoter Score of each month's responses with its 95% adjusted Wald interval "
        '(shaded); hover for n. marts.nps_monthly_overall; docs/metrics.md "Survey metrics".',
        lambda con, currency: figures.nps_trend(queries.nps_trend_overall(con)),
    ),
    Chart(
        "nps-by-segment",
        NPS,
        "NPS by month and segment",
        "The same per customer segment, on one NPS scale: a wide band is a small segment, not "
        "a swing. marts.nps_monthly_by_segment.",
        lambda con, currency: figures.nps_trend_by_segment(queries.nps_trend_by_segment(con)),
    ),
    Chart(
        "retention-by-nps",
        LINKAGE,
        "Retention after an NPS response, by NPS category",
        "Share of respondents still active 3, 6 and 12 months after answering, with 95% "
        "customer-clustered intervals; each horizon counts the responses old enough for it. "
        'marts.nps_retention_summary; docs/metrics.md "Linking NPS to retention and revenue".',
        lambda con, currency: figures.retention_curves(queries.retention_by_category(con)),
    ),
    Chart(
        "churn-gap-revenue-at-risk",
        LINKAGE,
        "Churn gap and revenue at risk",
        "How many more points of logo churn detractors show than promoters over the linkage "
        "horizon, and the ARR that extra churn puts at risk over that horizon, with 95% intervals. "
        "marts.cx_revenue_linkage_total and marts.cx_revenue_linkage_by_segment.",
        lambda con, currency: figures.linkage(queries.linkage_by_segment(con), currency),
    ),
    Chart(
        "mrr-bridge",
        REVENUE,
        "MRR bridge, last 12 months",
        "Monthly recurring revenue at the start of the year, what new, expansion and "
        "reactivated revenue added and contraction and churn took away, and where it ended. "
        'marts.mrr_bridge_total; docs/metrics.md "Subscription revenue (MRR) metrics".',
        lambda con, currency: figures.mrr_waterfall(queries.mrr_bridge(con), currency),
    ),
    Chart(
        "clv-to-cac",
        UNITS,
        "CLV / CAC by acquisition channel and plan tier",
        "Customer lifetime value per unit of acquisition cost, with 95% intervals (the "
        "CLV's delta-method interval over CAC), per billing model. marts.clv_by_channel and marts.clv_by_plan_tier; "
        'docs/metrics.md "CLV and CAC".',
        lambda con, currency: _unit_economics(con, "clv_to_cac"),
    ),
    Chart(
        "cac-payback",
        UNITS,
        "CAC payback by acquisition channel and plan tier",
        "Months of gross-margin revenue that repay one customer's acquisition cost, with 95% "
        "intervals. marts.clv_by_channel and marts.clv_by_plan_tier.",
        lambda con, currency: _unit_economics(con, "cac_payback_months"),
    ),
    Chart(
        "topic-impact",
        TOPICS,
        "What each topic costs or adds to the NPS",
        "NPS points each topic costs (red) or adds (green): its share of the responses x "
        "(NPS of those mentioning it - NPS of the rest), all time, with 95% intervals. "
        'marts.topic_impact_overall; docs/metrics.md "Text feedback".',
        lambda con, currency: figures.topic_impact(queries.topic_impact(con)),
    ),
    Chart(
        "nps-drivers",
        TOPICS,
        "Key drivers of NPS",
        "Each topic's effect on a response's NPS points in one regression over all topics "
        "(y) against how often it is mentioned (x); bubble size is its share of R², grey "
        "is not significant. marts.nps_drivers, all time.",
        lambda con, currency: figures.nps_drivers(queries.nps_drivers(con)),
    ),
    Chart(
        "topic-alerts",
        TOPICS,
        "Topic alerts, latest period",
        "Share of commented responses mentioning each topic now against its baseline; red "
        "marks an alert (a rise significant at the false-discovery rate). "
        "marts.topic_alerts_overall.",
        lambda con, currency: figures.topic_alerts(queries.topic_alerts(con)),
    ),
    Chart(
        "quarantine",
        QUALITY,
        "Rows quarantined, by rule",
        "Landing rows that broke the landing contract and were kept out of the marts, per "
        "rule and entity: select * from quarantine.rejected_rows in the warehouse. "
        'quarantine.ledger; README "Landing contract".',
        lambda con, currency: figures.quarantine(queries.quarantine_by_rule(con)),
    ),
)


def _alert_note(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        frame = queries.topic_alerts(con)
    except NoData:
        return None
    alerts = frame[frame["is_alert"].fillna(False).astype(bool)]
    period = f"{frame['period_start'].iloc[0]:%B %Y} ({frame['period_grain'].iloc[0]})"
    if alerts.empty:
        fdr = frame["fdr_level"].dropna()
        level = f" at a {fdr.iloc[0]:.0%} false-discovery rate" if not fdr.empty else ""
        return f"No alert in {period}: no topic's share rose significantly{level}."
    names = ", ".join(alerts["topic_name"])
    return f"{len(alerts)} alert(s) in {period}: {names}."


NOTES = {"topic-alerts": _alert_note}


def draw_panels(con: duckdb.DuckDBPyConnection, currency: str) -> list[Panel]:
    panels = []
    for chart in CHARTS:
        try:
            figure = chart.draw(con, currency)
        except NoData as missing:
            panels.append(Panel(chart, no_data=str(missing)))
            continue
        note = NOTES[chart.id](con) if chart.id in NOTES else None
        panels.append(Panel(chart, figure=figure, note=note))
    return panels
