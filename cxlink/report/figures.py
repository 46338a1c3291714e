"""The report's figures: pure functions from a query's DataFrame (cxlink.report.queries) to a
plotly figure. Nothing here reads the warehouse, so each figure is tested on hand-made rows.

Intervals are drawn as the marts give them (``*_ci_low`` / ``*_ci_high``, 95% by default):
a shaded band on trends and curves, error bars on bars. Fractions are plotted as percentages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

HEIGHT = 380
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
CATEGORY_COLORS = {"promoter": "#1a9850", "passive": "#8c8c8c", "detractor": "#d73027"}
SEGMENT_COLORS = ("#1f6fb4", "#e08214", "#6a51a3", "#2b8c8c", "#b2182b", "#4d9221")
BILLING_COLORS = {"subscription": "#1f6fb4", "one_time": "#e08214"}
ENTITY_COLORS = (
    "#1f6fb4", "#e08214", "#2b8c8c", "#6a51a3", "#b2182b", "#4d9221", "#8c6d31",
)  # fmt: skip
POSITIVE, NEGATIVE, NEUTRAL = "#1a9850", "#d73027", "#9e9e9e"


def _layout(fig: go.Figure, *, height: int = HEIGHT, top: int = 30, **kwargs) -> go.Figure:
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


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def error_arrays(
    values: Sequence, lows: Sequence, highs: Sequence, scale: float = 1.0
) -> tuple[list[float], list[float]]:
    """Plotly's asymmetric error bars (above, below) from interval bounds; 0 where a bound is
    not estimable (the hover text says so)."""
    above, below = [], []
    for value, low, high in zip(values, lows, highs, strict=True):
        above.append(0.0 if _missing(high) or _missing(value) else (high - value) * scale)
        below.append(0.0 if _missing(low) or _missing(value) else (value - low) * scale)
    return above, below


def _band(
    fig: go.Figure, x, low, high, color: str, name: str, *, shape: str = "linear", **where
) -> None:
    """A shaded interval band: the upper bound (no line), then the lower filled up to it."""
    common = {"x": x, "mode": "lines", "line": {"width": 0, "shape": shape}, "hoverinfo": "skip"}
    fig.add_trace(go.Scatter(y=high, showlegend=False, legendgroup=name, **common), **where)
    fig.add_trace(
        go.Scatter(
            y=low,
            fill="tonexty",
            fillcolor=_rgba(color, 0.18),
            showlegend=False,
            legendgroup=name,
            **common,
        ),
        **where,
    )


def nps_trend(frame: pd.DataFrame) -> go.Figure:
    """Monthly NPS with its 95% band (columns response_month, responses, nps, ci_low, ci_high)."""
    fig = go.Figure()
    color = SEGMENT_COLORS[0]
    x = frame["response_month"]
    _band(fig, x, frame["ci_low"], frame["ci_high"], color, "NPS")
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
    return _layout(fig, showlegend=False)


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
        _band(fig, rows["response_month"], rows["ci_low"], rows["ci_high"], color, segment, **where)
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
    return _layout(fig, top=40, showlegend=False)


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
        _band(fig, x, low, high, color, category)
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
    return _layout(fig, top=40)


def linkage(frame: pd.DataFrame, currency: str) -> go.Figure:
    """Churn gap (percentage points) and revenue at risk (money a year) per segment with 95%
    error bars (columns segment, linkage_horizon_months, churn_gap, churn_gap_ci_low/high,
    revenue_at_risk, revenue_at_risk_ci_low/high)."""
    horizon = int(frame["linkage_horizon_months"].dropna().iloc[0])
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            f"churn gap: detractor minus promoter {horizon}-month logo churn",
            f"revenue at risk ({currency} a year)",
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
                f"%{{x}}: {currency} %{{y:,.0f}} a year<br>95% CI %{{customdata[0]:,.0f}} .. "
                "%{customdata[1]:,.0f}<extra></extra>"
            ),
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(title_text="percentage points", row=1, col=1)
    fig.update_yaxes(title_text=currency, tickformat=",.0f", row=1, col=2)
    return _layout(fig, top=40, showlegend=False)


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
    return _layout(fig, showlegend=False)


def _by_billing_model(
    fig: go.Figure, frame: pd.DataFrame, column: str, col: int, hover: str, legend: bool
) -> None:
    for model in dict.fromkeys(frame["billing_model"]):
        rows = frame[frame["billing_model"] == model]
        above, below = error_arrays(
            rows[column], rows[f"{_ci(column)}_low"], rows[f"{_ci(column)}_high"]
        )
        fig.add_trace(
            go.Bar(
                x=rows["label"],
                y=rows[column],
                name=model.replace("_", "-"),
                legendgroup=model,
                showlegend=legend,
                marker_color=BILLING_COLORS.get(model, NEUTRAL),
                error_y={"type": "data", "array": above, "arrayminus": below, "color": "#333"},
                customdata=rows[
                    [f"{_ci(column)}_low", f"{_ci(column)}_high", "customers"]
                ].to_numpy(),
                hovertemplate=f"{model.replace('_', '-')} %{{x}}: {hover}<extra></extra>",
            ),
            row=1,
            col=col,
        )


def _ci(column: str) -> str:
    """The interval prefix of a CLV mart measure: clv_to_cac -> clv_to_cac_ci,
    cac_payback_months -> cac_payback_ci."""
    return {"clv_to_cac": "clv_to_cac_ci", "cac_payback_months": "cac_payback_ci"}[column]


def unit_economics(
    by_channel: pd.DataFrame | None, by_tier: pd.DataFrame | None, column: str
) -> go.Figure:
    """CLV/CAC (``column`` clv_to_cac) or CAC payback (cac_payback_months) per acquisition
    channel and per plan tier, one bar per billing model, with 95% error bars. A side without
    rows (None) is left out."""
    sides = [
        (t, f)
        for t, f in (("by acquisition channel", by_channel), ("by plan tier", by_tier))
        if f is not None
    ]
    fig = make_subplots(
        rows=1, cols=len(sides), subplot_titles=[t for t, _ in sides], horizontal_spacing=0.08
    )
    if column == "clv_to_cac":
        hover = "CLV/CAC %{y:.1f}x<br>95% CI %{customdata[0]:.1f} .. %{customdata[1]:.1f}x<br>customers %{customdata[2]:,}"
        title = "CLV / CAC (x)"
    else:
        hover = "payback %{y:.1f} months<br>95% CI %{customdata[0]:.1f} .. %{customdata[1]:.1f}<br>customers %{customdata[2]:,}"
        title = "CAC payback (months)"
    for i, (_, frame) in enumerate(sides):
        _by_billing_model(fig, frame, column, i + 1, hover, legend=i == 0)
    fig.update_yaxes(title_text=title, row=1, col=1)
    return _layout(fig, top=70, barmode="group")


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
    return _layout(fig, height=max(HEIGHT, 24 * len(frame) + 90), showlegend=False)


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
    return _layout(fig, height=460, top=40)


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
    return _layout(fig, height=max(HEIGHT, 24 * len(frame) + 90))


def quarantine(frame: pd.DataFrame) -> go.Figure:
    """Rows quarantined per contract rule, stacked by entity (columns entity, rule, rows)."""
    totals = frame.groupby("rule")["rows"].sum().sort_values()
    rules = list(totals.index)
    fig = go.Figure()
    for i, entity in enumerate(sorted(frame["entity"].unique())):
        rows = frame[frame["entity"] == entity].set_index("rule").reindex(rules)
        fig.add_trace(
            go.Bar(
                x=rows["rows"],
                y=rules,
                name=entity,
                orientation="h",
                marker_color=ENTITY_COLORS[i % len(ENTITY_COLORS)],
                hovertemplate=f"{entity}, %{{y}}: %{{x:,}} rows<extra></extra>",
            )
        )
    # whole rows: integer ticks, one per row while the largest rule has few
    fig.update_xaxes(
        title_text="rows quarantined",
        rangemode="tozero",
        tickformat=",d",
        dtick=1 if totals.max() <= 10 else None,
    )
    fig.update_yaxes(automargin=True)
    return _layout(fig, barmode="stack", height=max(HEIGHT, 26 * len(rules) + 110))
