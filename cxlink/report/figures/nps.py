"""The NPS figures: monthly trends with their bands, retention by NPS category, the churn gap
and revenue at risk."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxlink.report.figures.style import (
    CATEGORY_COLORS,
    NEUTRAL,
    SEGMENT_COLORS,
    band,
    error_arrays,
    layout,
)


def nps_trend(frame: pd.DataFrame) -> go.Figure:
    """Monthly NPS with its 95% band (columns response_month, responses, nps, ci_low, ci_high)."""
    fig = go.Figure()
    color = SEGMENT_COLORS[0]
    x = frame["response_month"]
    band(fig, x, frame["ci_low"], frame["ci_high"], color, "NPS")
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["nps"],
            name="NPS",
            mode="lines+markers",
            line={"color": color, "width": 2},
            marker={"size": 4},
            customdata=frame[["ci_low", "ci_high", "responses"]].to_numpy(),
            hovertemplate=(
                "%{x|%b %Y}: NPS %{y:+.1f}<br>95% CI %{customdata[0]:+.1f} .. "
                "%{customdata[1]:+.1f}<br>n = %{customdata[2]:,}<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(title_text="NPS (points)", zeroline=True)
    fig.update_xaxes(title_text="response month")
    return layout(fig, showlegend=False)


def nps_trend_by_segment(frame: pd.DataFrame) -> go.Figure:
    """One panel per segment, shared NPS axis (columns as nps_trend plus segment)."""
    segments = list(dict.fromkeys(frame["segment"]))
    fig = make_subplots(
        rows=1,
        cols=len(segments),
        shared_yaxes=True,
        subplot_titles=segments,
        horizontal_spacing=0.04,
    )
    for i, segment in enumerate(segments):
        rows = frame[frame["segment"] == segment]
        color = SEGMENT_COLORS[i % len(SEGMENT_COLORS)]
        where = {"row": 1, "col": i + 1}
        band(fig, rows["response_month"], rows["ci_low"], rows["ci_high"], color, segment, **where)
        fig.add_trace(
            go.Scatter(
                x=rows["response_month"],
                y=rows["nps"],
                name=segment,
                mode="lines",
                line={"color": color, "width": 2},
                customdata=rows[["ci_low", "ci_high", "responses"]].to_numpy(),
                hovertemplate=(
                    f"{segment} %{{x|%b %Y}}: NPS %{{y:+.1f}}<br>95% CI %{{customdata[0]:+.1f}}"
                    " .. %{customdata[1]:+.1f}<br>n = %{customdata[2]:,}<extra></extra>"
                ),
            ),
            **where,
        )
    fig.update_yaxes(title_text="NPS (points)", row=1, col=1)
    return layout(fig, top=40, showlegend=False)


def retention_curves(frame: pd.DataFrame) -> go.Figure:
    """Share of customers still active 0, 3, 6 and 12 months after their NPS response, per
    category, with 95% bands (columns nps_category, horizon_months, customers, retention_rate,
    retention_ci_low, retention_ci_high). Every curve starts at 100%. The horizons are joined
    by straight lines, not steps: each is measured on the responses old enough for it, so the
    curve is known at those points only (a Kaplan-Meier step would claim no churn between)."""
    fig = go.Figure()
    for category in ("promoter", "passive", "detractor"):
        rows = frame[frame["nps_category"] == category].sort_values("horizon_months")
        if rows.empty:
            continue
        color = CATEGORY_COLORS[category]
        x = [0, *rows["horizon_months"]]
        rate = [100.0, *(100 * rows["retention_rate"])]
        low = [100.0, *(100 * rows["retention_ci_low"])]
        high = [100.0, *(100 * rows["retention_ci_high"])]
        band(fig, x, low, high, color, category)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=rate,
                name=f"{category}s",
                legendgroup=category,
                mode="lines+markers",
                line={"color": color, "width": 2.5},
                marker={"size": 8},
                customdata=list(zip(low, high, [None, *rows["customers"]], strict=True)),
                hovertemplate=(
                    f"{category}s, %{{x}} months: %{{y:.1f}}% still active<br>95% CI "
                    "%{customdata[0]:.1f} .. %{customdata[1]:.1f}%<br>customers "
                    "%{customdata[2]:,}<extra></extra>"
                ),
            )
        )
    fig.update_xaxes(title_text="months after the NPS response", tickvals=[0, 3, 6, 12])
    fig.update_yaxes(title_text="customers still active (%)", ticksuffix="%")
    return layout(fig, top=40)


def linkage(frame: pd.DataFrame, currency: str) -> go.Figure:
    """Churn gap (percentage points) and revenue at risk (ARR over the linkage horizon) per
    segment with 95% error bars (columns segment, linkage_horizon_months, churn_gap, churn_gap_ci_low/high,
    revenue_at_risk, revenue_at_risk_ci_low/high)."""
    horizon = int(frame["linkage_horizon_months"].dropna().iloc[0])
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            f"churn gap: detractor minus promoter {horizon}-month logo churn",
            f"revenue at risk ({currency} of ARR over {horizon} months)",
        ),
        horizontal_spacing=0.12,
    )
    colors = [NEUTRAL if s == "all segments" else SEGMENT_COLORS[0] for s in frame["segment"]]
    above, below = error_arrays(
        frame["churn_gap"], frame["churn_gap_ci_low"], frame["churn_gap_ci_high"], 100
    )
    fig.add_trace(
        go.Bar(
            x=frame["segment"],
            y=100 * frame["churn_gap"],
            marker_color=colors,
            error_y={"type": "data", "array": above, "arrayminus": below, "color": "#333"},
            customdata=100 * frame[["churn_gap_ci_low", "churn_gap_ci_high"]].to_numpy(),
            hovertemplate=(
                "%{x}: detractors churn %{y:+.1f} points more<br>95% CI %{customdata[0]:+.1f}"
                " .. %{customdata[1]:+.1f}<extra></extra>"
            ),
        ),
        row=1,
        col=1,
    )
    above, below = error_arrays(
        frame["revenue_at_risk"],
        frame["revenue_at_risk_ci_low"],
        frame["revenue_at_risk_ci_high"],
    )
    fig.add_trace(
        go.Bar(
            x=frame["segment"],
            y=frame["revenue_at_risk"],
            marker_color=colors,
            error_y={"type": "data", "array": above, "arrayminus": below, "color": "#333"},
            customdata=frame[["revenue_at_risk_ci_low", "revenue_at_risk_ci_high"]].to_numpy(),
            hovertemplate=(
                f"%{{x}}: {currency} %{{y:,.0f}} over {horizon} months<br>95% CI %{{customdata[0]:,.0f}} .. "
                "%{customdata[1]:,.0f}<extra></extra>"
            ),
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(title_text="percentage points", row=1, col=1)
    fig.update_yaxes(title_text=currency, tickformat=",.0f", row=1, col=2)
    return layout(fig, top=40, showlegend=False)
