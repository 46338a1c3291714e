"""A warning, never a stop, when a high-ARR account needs a call: non-blocking asset check on
``marts/account_follow_ups`` (docs/metrics.md "Follow-up rules").

It lists the follow-ups of accounts whose ARR is at least the high-ARR threshold
(``CXLINK_FOLLOW_UP_MIN_ARR``, the mart's ``high_arr_threshold``) for the reasons in
``WARNING_REASONS``: a new detractor (an NPS 0-6 answer in the lookback window) and a new red
account (red health in the latest health month, not red the month before). The check fails
with WARN severity and lists them in its metadata (account, reason, ARR, ARR at risk, rank, due
date); being non-blocking, it never stops the assets downstream.
"""

# No ``from __future__ import annotations``: Dagster inspects the resource annotation object.
from dataclasses import asdict, dataclass

import dagster as dg
import duckdb

from orchestration.resources import Warehouse

FOLLOW_UPS_KEY = dg.AssetKey(["marts", "account_follow_ups"])
CHECK_NAME = "account_follow_ups_new"
WARNING_REASONS = ("new_detractor", "red_health_high_arr")


@dataclass(frozen=True)
class NewFollowUp:
    priority_rank: int
    customer_id: str
    reason_code: str
    reason_text: str
    arr: float
    arr_at_risk: float | None
    trigger_date: str
    due_date: str


@dataclass(frozen=True)
class FollowUpSummary:
    as_of_date: str | None
    high_arr_threshold: float | None
    currency: str | None
    follow_ups: int
    new_high_arr: list[NewFollowUp]


def read_new_follow_ups(con: duckdb.DuckDBPyConnection) -> FollowUpSummary:
    """Every follow-up of the mart, and the high-ARR new detractors and new red accounts, by
    rank."""
    as_of, threshold, currency = con.execute(
        "select cast(as_of_date as varchar), high_arr_threshold, currency "
        "from intermediate.int_follow_ups__window"
    ).fetchone() or (None, None, None)
    (total,) = con.execute("select count(*) from marts.account_follow_ups").fetchone()
    reasons = ", ".join(f"'{r}'" for r in WARNING_REASONS)
    rows = con.execute(
        f"""
        select
            priority_rank, customer_id, reason_code, reason_text, cast(arr as double),
            arr_at_risk, cast(trigger_date as varchar), cast(due_date as varchar)
        from marts.account_follow_ups
        where
            is_high_arr
            and reason_code in ({reasons})
            and (reason_code != 'red_health_high_arr' or is_new_red)
        order by priority_rank
        """
    ).fetchall()
    return FollowUpSummary(
        as_of, threshold, currency, int(total), [NewFollowUp(*row) for row in rows]
    )


def follow_ups_markdown(follow_ups: list[NewFollowUp], currency: str) -> str:
    lines = [
        f"| rank | account | reason | ARR ({currency}) | ARR at risk | due |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {f.priority_rank} | {f.customer_id} | {f.reason_text} | {f.arr:,.0f} | "
        f"{'' if f.arr_at_risk is None else f'{f.arr_at_risk:,.0f}'} | {f.due_date} |"
        for f in follow_ups
    ]
    return "\n".join(lines)


def check_result(summary: FollowUpSummary) -> dg.AssetCheckResult:
    """Passed when no high-ARR account has a new detractor answer or turned red; otherwise a
    WARN listing them."""
    found = summary.new_high_arr
    currency = summary.currency or ""
    threshold = float(summary.high_arr_threshold or 0)
    scope = f"ARR >= {threshold:,.0f} {currency}".strip()
    if found:
        accounts = ", ".join(f"{f.customer_id} ({f.reason_code})" for f in found)
        description = (
            f"{len(found)} new high-ARR follow-up(s) as of {summary.as_of_date} ({scope}): "
            f"{accounts}"
        )
    else:
        description = (
            f"no new detractor or red account with {scope} as of {summary.as_of_date} "
            f"({summary.follow_ups} follow-up(s) in all)"
        )
    return dg.AssetCheckResult(
        passed=not found,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "as_of_date": summary.as_of_date or "",
            "high_arr_threshold": dg.MetadataValue.float(threshold),
            "currency": currency,
            "follow_ups": summary.follow_ups,
            "new_high_arr_count": len(found),
            "new_detractors": sum(f.reason_code == "new_detractor" for f in found),
            "new_red_accounts": sum(f.reason_code == "red_health_high_arr" for f in found),
            "new_high_arr": dg.MetadataValue.json([asdict(f) for f in found]),
            "new_high_arr_table": dg.MetadataValue.md(follow_ups_markdown(found, currency)),
        },
    )


@dg.asset_check(
    asset=FOLLOW_UPS_KEY,
    name=CHECK_NAME,
    blocking=False,
    description=(
        "Warns (non-blocking) when a high-ARR account (CXLINK_FOLLOW_UP_MIN_ARR) is a new "
        "detractor or a new red account in marts.account_follow_ups: call it first."
    ),
)
def account_follow_ups_new(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        return check_result(read_new_follow_ups(con))
