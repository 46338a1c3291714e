"""The revenue figures: the MRR bridge as a waterfall, CLV/CAC and CAC payback."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxlink.report.figures.style import (
    BILLING_COLORS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SEGMENT_COLORS,
    error_arrays,
    layout,
)


def mrr_waterfall(frame: pd.DataFrame, currency: str) -> go.Figure:
    """The MRR bridge over the frame's months as one waterfall: MRR at the start of the first
    month, the movements summed over the months, MRR at the end of the last (columns month,
    mrr_start, new, expansion, reactivation, contraction, churn, mrr_end)."""
    first, last = frame.iloc[0], frame.iloc[-1]
    steps = [
        ("new", frame["new"].sum()),
        ("expansion", frame["expansion"].sum()),
        ("reactivation", frame["reactivation"].sum()),
        ("contraction", -frame["contraction"].sum()),
        ("churn", -frame["churn"].sum()),
    ]
    start_label = f"MRR start of {pd.Timestamp(first['month']):%b %Y}"
    end_label = f"MRR end of {pd.Timestamp(last['month']):%b %Y}"
    x = [start_label, *(name for name, _ in steps), end_label]
    y = [first["mrr_start"], *(value for _, value in steps), last["mrr_end"]]
    fig = go.Figure(
        go.Waterfall(
            x=x,
            y=y,
            measure=["absolute", *(["relative"] * len(steps)), "total"],
            text=[f"{v:+,.0f}" if 0 < i < len(y) - 1 else f"{v:,.0f}" for i, v in enumerate(y)],
            textposition="outside",
            connector={"line": {"color": "#9e9e9e", "width": 1}},
            increasing={"marker": {"color": POSITIVE}},
            decreasing={"marker": {"color": NEGATIVE}},
            totals={"marker": {"color": SEGMENT_COLORS[0]}},
            hovertemplate=f"%{{x}}: {currency} %{{y:,.0f}}<extra></extra>",
        )
    )
    # the highest point the bars reach, with room for the labels above it
    running = top = float(first["mrr_start"])
    for _, value in steps:
        running += value
        top = max(top, running)
    top = max(top, float(last["mrr_end"]))
    fig.update_yaxes(title_text=f"MRR ({currency})", tickformat=",.0f", range=[0, 1.1 * top])
    return layout(fig, showlegend=False)


def _bars(
    fig: go.Figure, rows: pd.DataFrame, model: str, column: str, hover: str, where: dict
) -> None:
    low, high = f"{_ci(column)}_low", f"{_ci(column)}_high"
    above, below = error_arrays(rows[column], rows[low], rows[high])
    name = model.replace("_", "-")
    fig.add_trace(
        go.Bar(
            x=rows["label"],
            y=rows[column],
            name=name,
            marker_color=BILLING_COLORS.get(model, NEUTRAL),
            error_y={"type": "data", "array": above, "arrayminus": below, "color": "#333"},
            customdata=rows[[low, high, "customers"]].to_numpy(),
            hovertemplate=f"{name} %{{x}}: {hover}<extra></extra>",
        ),
        **where,
    )


def _ci(column: str) -> str:
    """The interval prefix of a CLV mart measure: clv_to_cac -> clv_to_cac_ci,
    cac_payback_months -> cac_payback_ci."""
    return {"clv_to_cac": "clv_to_cac_ci", "cac_payback_months": "cac_payback_ci"}[column]


ROW_HEIGHT = 300


def unit_economics(
    by_channel: pd.DataFrame | None, by_tier: pd.DataFrame | None, column: str
) -> go.Figure:
    """CLV/CAC (``column`` clv_to_cac) or CAC payback (cac_payback_months) per acquisition
    channel (left) and per plan tier (right), with 95% error bars: one row of panels per
    billing model, each on its own scale (a one-time buyer's payback runs to years, a
    subscriber's to months: on one axis the subscriptions' bars would be unreadable). A side
    without rows (None) is left out."""
    sides = [
        (t, f)
        for t, f in (("by acquisition channel", by_channel), ("by plan tier", by_tier))
        if f is not None
    ]
    models = list(dict.fromkeys(m for _, f in sides for m in f["billing_model"]))
    fig = make_subplots(
        rows=len(models),
        cols=len(sides),
        subplot_titles=[f"{m.replace('_', '-')}, {t}" for m in models for t, _ in sides],
        horizontal_spacing=0.08,
        vertical_spacing=0.4 / len(models),
    )
    if column == "clv_to_cac":
        hover = "CLV/CAC %{y:.1f}x<br>95% CI %{customdata[0]:.1f} .. %{customdata[1]:.1f}x<br>customers %{customdata[2]:,}"
        title = "CLV / CAC (x)"
    else:
        hover = "payback %{y:.1f} months<br>95% CI %{customdata[0]:.1f} .. %{customdata[1]:.1f}<br>customers %{customdata[2]:,}"
        title = "CAC payback (months)"
    for r, model in enumerate(models, 1):
        for c, (_, frame) in enumerate(sides, 1):
            rows = frame[frame["billing_model"] == model]
            if not rows.empty:
                _bars(fig, rows, model, column, hover, {"row": r, "col": c})
        fig.update_yaxes(title_text=title, row=r, col=1)
    return layout(fig, height=ROW_HEIGHT * len(models) + 60, top=40, showlegend=False)
