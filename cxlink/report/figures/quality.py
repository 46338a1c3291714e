"""The data-quality figure: rows quarantined per rule and entity."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxlink.report.figures.style import (
    ENTITY_COLORS,
    HEIGHT,
    layout,
)


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
    return layout(fig, barmode="stack", height=max(HEIGHT, 26 * len(rules) + 110))
