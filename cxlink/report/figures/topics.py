"""The topic figures: impact on NPS, the key-driver matrix, the latest period's alerts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxlink.report.figures.style import (
    HEIGHT,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SEGMENT_COLORS,
    error_arrays,
    layout,
)


def topic_impact(frame: pd.DataFrame) -> go.Figure:
    """NPS points each topic costs (red) or adds (green) with 95% error bars, one bar per topic
    (columns topic_name, responses_mentioning, share_mentioning, impact, impact_ci_low/high)."""
    above, below = error_arrays(frame["impact"], frame["impact_ci_low"], frame["impact_ci_high"])
    colors = [NEGATIVE if v < 0 else POSITIVE for v in frame["impact"]]
    fig = go.Figure(
        go.Bar(
            x=frame["impact"],
            y=frame["topic_name"],
            orientation="h",
            marker_color=colors,
            error_x={"type": "data", "array": above, "arrayminus": below, "color": "#333"},
            customdata=frame[["impact_ci_low", "impact_ci_high", "share_mentioning"]].to_numpy(),
            hovertemplate=(
                "%{y}: %{x:+.2f} NPS points<br>95% CI %{customdata[0]:+.2f} .. "
                "%{customdata[1]:+.2f}<br>mentioned in %{customdata[2]:.1%} of commented "
                "responses<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title_text="impact on the overall NPS (points)", zeroline=True)
    # the frame's first row (the costliest topic) on top
    fig.update_yaxes(automargin=True, autorange="reversed")
    return layout(fig, height=max(HEIGHT, 24 * len(frame) + 90), showlegend=False)


def _label_side(x: float, xs: pd.Series) -> str:
    """Labels of points near the left or right edge run inwards, so none is cut off."""
    low, high = float(xs.min()), float(xs.max())
    if high - low > 0 and x < low + 0.2 * (high - low):
        return "top right"
    if high - low > 0 and x > low + 0.8 * (high - low):
        return "top left"
    return "top center"


def nps_drivers(frame: pd.DataFrame) -> go.Figure:
    """The key-driver matrix: how often each topic is mentioned (x) against how many NPS points
    a mention moves the responses (y: 100 x the OLS coefficient on the +1/0/-1 score, the other
    topics held fixed), bubble size its share of R^2; significant drivers coloured and named,
    the others grey, named on hover (columns topic_name, mention_share, coefficient, p_value,
    is_significant, share_of_r_squared)."""
    fig = go.Figure()
    for significant, name in ((True, "significant driver"), (False, "not significant")):
        rows = frame[frame["is_significant"].fillna(False).astype(bool) == significant]
        if rows.empty:
            continue
        colors = (
            [NEGATIVE if c < 0 else POSITIVE for c in rows["coefficient"]]
            if significant
            else NEUTRAL
        )
        size = 10 + 40 * rows["share_of_r_squared"].fillna(0).clip(lower=0) ** 0.5
        fig.add_trace(
            go.Scatter(
                x=100 * rows["mention_share"],
                y=100 * rows["coefficient"],
                mode="markers+text" if significant else "markers",
                name=name,
                text=rows["topic_name"],
                textposition=[
                    _label_side(x, frame["mention_share"]) for x in rows["mention_share"]
                ],
                textfont={"size": 11, "color": "#333"},
                marker={
                    "size": size,
                    "color": colors,
                    "opacity": 0.8 if significant else 0.5,
                    "line": {"width": 1, "color": "#fff"},
                },
                customdata=rows[["p_value", "share_of_r_squared"]].to_numpy(),
                hovertemplate=(
                    "%{text}: %{y:+.1f} NPS points where mentioned<br>mentioned in %{x:.1f}% "
                    "of tagged responses<br>p = %{customdata[0]:.3g}, share of R² "
                    "%{customdata[1]:.1%}<extra></extra>"
                ),
            )
        )
    # room for the labels of the points at the edges
    share = 100 * frame["mention_share"]
    pad = 0.08 * max(float(share.max() - share.min()), 1.0)
    fig.update_xaxes(
        title_text="mentioned in (% of tagged NPS responses)",
        ticksuffix="%",
        range=[max(0.0, float(share.min()) - pad), float(share.max()) + pad],
    )
    fig.update_yaxes(title_text="NPS points where mentioned (others held fixed)", zeroline=True)
    return layout(fig, height=460, top=40)


def topic_alerts(frame: pd.DataFrame) -> go.Figure:
    """The latest period's topic shares against their baselines: a line from the baseline to
    the share now, red where it is an alert (columns topic_name, share_now, baseline_share,
    q_value, is_alert, responses_mentioning, commented_responses)."""
    fig = go.Figure()
    for _, row in frame.iterrows():
        alert = bool(row["is_alert"])
        fig.add_trace(
            go.Scatter(
                x=[100 * row["baseline_share"], 100 * row["share_now"]],
                y=[row["topic_name"]] * 2,
                mode="lines",
                line={"color": NEGATIVE if alert else "#c7c7c7", "width": 3 if alert else 2},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    alerts = frame["is_alert"].fillna(False).astype(bool)
    fig.add_trace(
        go.Scatter(
            x=100 * frame["baseline_share"],
            y=frame["topic_name"],
            mode="markers",
            name="baseline share",
            marker={"color": "#9e9e9e", "size": 8, "symbol": "line-ns-open", "line": {"width": 2}},
            hovertemplate="%{y}: baseline %{x:.1f}%<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=100 * frame["share_now"],
            y=frame["topic_name"],
            mode="markers",
            name="share now",
            marker={
                "color": [NEGATIVE if a else SEGMENT_COLORS[0] for a in alerts],
                "size": [12 if a else 8 for a in alerts],
            },
            customdata=frame[["q_value", "responses_mentioning", "commented_responses"]].to_numpy(),
            hovertemplate=(
                "%{y}: %{x:.1f}% now (%{customdata[1]:,} of %{customdata[2]:,} commented "
                "responses)<br>q = %{customdata[0]:.3g}<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title_text="responses mentioning the topic (% of commented)", ticksuffix="%")
    fig.update_yaxes(automargin=True)
    return layout(fig, height=max(HEIGHT, 24 * len(frame) + 90))
