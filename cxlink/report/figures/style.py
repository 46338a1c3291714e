"""The figures' house style: sizes, colours, layout, interval bands and error bars."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

HEIGHT = 380
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
CATEGORY_COLORS = {"promoter": "#1a9850", "passive": "#8c8c8c", "detractor": "#d73027"}
SEGMENT_COLORS = ("#1f6fb4", "#e08214", "#6a51a3", "#2b8c8c", "#b2182b", "#4d9221")
BILLING_COLORS = {"subscription": "#1f6fb4", "one_time": "#e08214"}
ENTITY_COLORS = (
    "#1f6fb4", "#e08214", "#2b8c8c", "#6a51a3", "#b2182b", "#4d9221", "#8c6d31",
)  # fmt: skip
POSITIVE, NEGATIVE, NEUTRAL = "#1a9850", "#d73027", "#9e9e9e"


def layout(fig: go.Figure, *, height: int = HEIGHT, top: int = 30, **kwargs) -> go.Figure:
    """The house style. ``top``: the margin above the plot area, in pixels; the legend sits
    in it, above any subplot titles."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": top, "b": 50},
        font={"family": FONT, "size": 13},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1 + (top - 26) / (height - top - 50),
            "x": 0,
        },
        hoverlabel={"font": {"family": FONT}},
        **kwargs,
    )
    return fig


def rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def error_arrays(
    values: Sequence, lows: Sequence, highs: Sequence, scale: float = 1.0
) -> tuple[list[float], list[float]]:
    """Plotly's asymmetric error bars (above, below) from interval bounds; 0 where a bound is
    not estimable (the hover text says so)."""
    above, below = [], []
    for value, low, high in zip(values, lows, highs, strict=True):
        above.append(0.0 if missing(high) or missing(value) else (high - value) * scale)
        below.append(0.0 if missing(low) or missing(value) else (value - low) * scale)
    return above, below


def band(
    fig: go.Figure, x, low, high, color: str, name: str, *, shape: str = "linear", **where
) -> None:
    """A shaded interval band: the upper bound (no line), then the lower filled up to it."""
    common = {"x": x, "mode": "lines", "line": {"width": 0, "shape": shape}, "hoverinfo": "skip"}
    fig.add_trace(go.Scatter(y=high, showlegend=False, legendgroup=name, **common), **where)
    fig.add_trace(
        go.Scatter(
            y=low,
            fill="tonexty",
            fillcolor=rgba(color, 0.18),
            showlegend=False,
            legendgroup=name,
            **common,
        ),
        **where,
    )
