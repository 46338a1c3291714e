"""The report's figures: pure functions from a query's DataFrame (cxlink.report.queries) to a
plotly figure. Nothing here reads the warehouse, so each figure is tested on hand-made rows.

Intervals are drawn as the marts give them (``*_ci_low`` / ``*_ci_high``, 95% by default):
a shaded band on trends and curves, error bars on bars. Fractions are plotted as percentages.
"""

from cxlink.report.figures.nps import linkage, nps_trend, nps_trend_by_segment, retention_curves
from cxlink.report.figures.quality import quarantine
from cxlink.report.figures.revenue import mrr_waterfall, unit_economics
from cxlink.report.figures.style import NEGATIVE, POSITIVE, SEGMENT_COLORS, error_arrays
from cxlink.report.figures.topics import nps_drivers, topic_alerts, topic_impact

__all__ = [
    "NEGATIVE",
    "POSITIVE",
    "SEGMENT_COLORS",
    "error_arrays",
    "linkage",
    "mrr_waterfall",
    "nps_drivers",
    "nps_trend",
    "nps_trend_by_segment",
    "quarantine",
    "retention_curves",
    "topic_alerts",
    "topic_impact",
    "unit_economics",
]
