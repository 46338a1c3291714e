"""What the run's console shows is computed from these two plain records, not from Dagster's.

``StepInfo`` describes a planned step (built from the job before the run starts); ``RunEvent`` is
one log record of the run, reduced to what the console needs. The Dagster side
(``cxlink.runlog.dagster_logging``) builds both; everything else here is plain Python, so the
formatting is tested without running Dagster.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

# RunEvent.kind
STEP_START = "step_start"
STEP_SUCCESS = "step_success"
STEP_FAILURE = "step_failure"
STEP_SKIPPED = "step_skipped"
MATERIALIZATION = "materialization"
CHECK = "check"
LOG = "log"  # a message logged by the step's code (context.log.*), no Dagster event
OTHER = "other"  # any other Dagster event (planned materializations, handled outputs, ...)


@dataclass(frozen=True)
class StepInfo:
    """One planned step: its key, the label a person reads, its asset group, and how many assets
    and checks it produces (a dbt step produces many)."""

    key: str
    label: str
    group: str = "other"
    assets: int = 0
    checks: int = 0
    unit: str = "assets"  # what its assets are called in "N of M ...": models for dbt


@dataclass(frozen=True)
class RunEvent:
    """One record of a run. ``time``: seconds since the epoch, when it was logged."""

    kind: str
    step: str | None
    time: float
    level: int = logging.DEBUG
    message: str = ""
    asset: str | None = None  # materialization, check: "raw/customers"
    rows: int | None = None  # materialization: dagster/row_count
    quarantined: int | None = None  # materialization: rows_quarantined
    check: str | None = None  # check: its name
    passed: bool | None = None  # check
    severity: str = "ERROR"  # check: ERROR or WARN
    description: str | None = None  # check: why it failed, when it says
    error: str | None = None  # step failure: the error's message
    by_check: bool = False  # step failure: a blocking check failed (reported as the check)


def group_label(key: tuple[str, ...] | list[str], group: str | None) -> str:
    """``raw/customers`` in group extract -> ``extract customers``: the group says what the step
    does, the rest of the key what it does it to. A one-part key, or no group, stays the key."""
    parts = list(key)
    if group and len(parts) > 1:
        return f"{group} {'/'.join(parts[1:])}"
    return "/".join(parts)
