"""A warning, never a stop, when a topic spikes: non-blocking asset check on ``marts/topic_alerts``.

A *new* alert is a row of ``marts.topic_alerts`` (per segment) or ``marts.topic_alerts_overall``
(over every segment, listed as segment ``all``) with ``is_alert`` in the latest period (the
latest period with tagged comments, ``is_latest_period``): a topic whose share of comments rose
above its trailing baseline, significant after Benjamini-Hochberg at the configured false-
discovery rate (dbt var ``alert_fdr``). The check fails with WARN severity and lists the alerts
in its metadata (topic, segment, shares, q-value, accounts and their ARR); being non-blocking, it
never stops the assets downstream.
"""

# No ``from __future__ import annotations``: Dagster inspects the resource annotation object.
from dataclasses import asdict, dataclass

import dagster as dg
import duckdb

from orchestration.resources import Warehouse

TOPIC_ALERTS_KEY = dg.AssetKey(["marts", "topic_alerts"])
CHECK_NAME = "topic_alerts_new"


@dataclass(frozen=True)
class TopicAlert:
    period_start: str
    segment: str
    topic_id: str
    topic_name: str | None
    share_now: float
    baseline_share: float
    responses_mentioning: int
    commented_responses: int
    p_value: float
    q_value: float
    accounts_mentioning: int
    arr_accounts_mentioning: float


@dataclass(frozen=True)
class LatestPeriod:
    period_start: str | None
    tested: int
    fdr_level: float | None
    alerts: list[TopicAlert]


# Both alert marts: Benjamini-Hochberg controls the false discoveries over their rows together.
ALERT_ROWS = """
    select * from marts.topic_alerts
    union all by name
    select *, 'all' as segment from marts.topic_alerts_overall
"""


def read_latest_alerts(con: duckdb.DuckDBPyConnection) -> LatestPeriod:
    """The latest period of the alert marts: how many rows were tested, and its alerts."""
    period, tested, fdr = con.execute(
        f"""
        select
            cast(max(period_start) as varchar),
            count(*) filter (where test_status = 'tested'),
            max(fdr_level)
        from ({ALERT_ROWS})
        where is_latest_period
        """
    ).fetchone()
    rows = con.execute(
        f"""
        select
            cast(period_start as varchar), segment, topic_id, topic_name, share_now,
            baseline_share, responses_mentioning, commented_responses, p_value, q_value,
            accounts_mentioning, arr_accounts_mentioning
        from ({ALERT_ROWS})
        where is_latest_period and is_alert
        order by q_value, segment, topic_id
        """
    ).fetchall()
    return LatestPeriod(period, int(tested or 0), fdr, [TopicAlert(*row) for row in rows])


def alerts_markdown(alerts: list[TopicAlert]) -> str:
    lines = [
        "| topic | segment | share now | baseline | mentions | q-value | accounts | ARR |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {a.topic_name or a.topic_id} | {a.segment} | {a.share_now:.1%} | "
        f"{a.baseline_share:.1%} | {a.responses_mentioning}/{a.commented_responses} | "
        f"{a.q_value:.3g} | {a.accounts_mentioning} | {a.arr_accounts_mentioning:,.0f} |"
        for a in alerts
    ]
    return "\n".join(lines)


def check_result(latest: LatestPeriod) -> dg.AssetCheckResult:
    """Passed when the latest period has no alert; otherwise a WARN listing every alert."""
    alerts = latest.alerts
    if latest.period_start is None:
        description = "no tagged comments yet: nothing to test"
    elif alerts:
        topics = ", ".join(f"{a.topic_id} ({a.segment})" for a in alerts)
        description = (
            f"{len(alerts)} new topic alert(s) in the period starting {latest.period_start}: "
            f"{topics}"
        )
    else:
        description = (
            f"no topic alert in the period starting {latest.period_start} "
            f"({latest.tested} topic x segment tests)"
        )
    return dg.AssetCheckResult(
        passed=not alerts,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "latest_period": latest.period_start or "",
            "tests": latest.tested,
            "fdr_level": dg.MetadataValue.float(float(latest.fdr_level or 0.0)),
            "alert_count": len(alerts),
            "alerts": dg.MetadataValue.json([asdict(a) for a in alerts]),
            "alerts_table": dg.MetadataValue.md(alerts_markdown(alerts)),
        },
    )


@dg.asset_check(
    asset=TOPIC_ALERTS_KEY,
    name=CHECK_NAME,
    blocking=False,
    description=(
        "Warns (non-blocking) when marts.topic_alerts has an alert in the latest period: a "
        "topic whose share of comments rose above its trailing baseline, significant after "
        "Benjamini-Hochberg at the configured false-discovery rate."
    ),
)
def topic_alerts_new(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        return check_result(read_latest_alerts(con))
