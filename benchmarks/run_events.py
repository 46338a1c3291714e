"""From a run's event log to where its time went: startup, planning, seconds per step and stage.

Pure functions over a plain list of ``Event``s (``events_from_log`` turns Dagster's event log
entries into them), so the arithmetic is tested on a few synthetic events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The stages a run's steps are grouped into, in the order a run goes through them.
STAGES = ("sources/extract", "checks", "text", "dbt", "publish", "other")

# First component of an asset key -> stage, for the assets that are not dbt models.
_PREFIX_STAGES = {
    "source": "sources/extract",
    "raw": "sources/extract",
    "quarantine": "sources/extract",
    "text": "text",
    "publish": "publish",
}
_STEP_ENDS = ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED")


@dataclass(frozen=True)
class Event:
    kind: str  # DagsterEventType name ("RUN_START", "STEP_START", ...); "" for a plain log line
    timestamp: float  # seconds since the epoch
    step: str | None = None
    asset: str | None = None  # "raw/customers": of a materialization or a check evaluation


@dataclass
class RunTimings:
    to_first_event: float  # process start -> first event of the run (imports, definitions)
    to_first_step: float  # process start -> first STEP_START (the above, then planning)
    to_run_start: float | None  # process start -> RUN_START (after the planned events)
    steps: dict[str, float]  # step key -> seconds from its STEP_START to its end
    step_stages: dict[str, str]  # step key -> stage (STAGES)
    counts: dict[str, int]  # events per kind (planned materializations, checks, ...)
    to_last_step_end: float  # process start -> the end of the last step
    failed: list[str] = field(default_factory=list)  # steps that ended with STEP_FAILURE

    @property
    def planning(self) -> float:
        """From the run's first event to its first step: Dagster recording the run's plan (one
        event per planned materialization and check), then starting it."""
        return self.to_first_step - self.to_first_event

    def stage_seconds(self) -> dict[str, float]:
        totals = dict.fromkeys(STAGES, 0.0)
        for step, seconds in self.steps.items():
            totals[self.step_stages[step]] += seconds
        return {stage: s for stage, s in totals.items() if s or stage != "other"}


def stage_of_step(step: str, materialized: Iterable[str], checked: bool) -> str:
    """The stage of one step, from the assets it materialized (``"raw/customers"``).

    A step that materialized a dbt model (any asset outside the known prefixes) is the dbt
    stage, even if it also built a text or source asset; a step that only evaluated checks is
    the checks stage. A step that produced nothing (it failed first) is named by its key.
    """
    stages = {_PREFIX_STAGES.get(asset.split("/", 1)[0], "dbt") for asset in materialized}
    for stage in ("publish", "dbt", "text", "sources/extract"):
        if stage in stages:
            return stage
    if checked:
        return "checks"
    return _stage_from_name(step)


def _stage_from_name(step: str) -> str:
    if "dbt" in step:
        return "dbt"
    if "_gx_" in step or step.endswith("_check"):
        return "checks"
    for prefix, stage in _PREFIX_STAGES.items():
        if step.startswith(prefix):
            return stage
    return "other"


def run_timings(events: Sequence[Event], process_start: float) -> RunTimings:
    """Where the time of one run went, measured from ``process_start`` (epoch seconds)."""
    if not events:
        raise ValueError("no events: the run was not recorded in this instance")
    ordered = sorted(events, key=lambda e: e.timestamp)
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    failed: list[str] = []
    materialized: dict[str, set[str]] = {}
    checked: set[str] = set()
    for event in ordered:
        if event.step is None:
            continue
        if event.kind == "STEP_START":
            starts.setdefault(event.step, event.timestamp)
        elif event.kind in _STEP_ENDS:
            ends[event.step] = event.timestamp
            if event.kind == "STEP_FAILURE":
                failed.append(event.step)
        elif event.kind == "ASSET_MATERIALIZATION" and event.asset:
            materialized.setdefault(event.step, set()).add(event.asset)
        elif event.kind == "ASSET_CHECK_EVALUATION":
            checked.add(event.step)
    first_step = min(starts.values(), default=ordered[-1].timestamp)
    run_start = next((e.timestamp for e in ordered if e.kind == "RUN_START"), None)
    steps = {step: ends[step] - start for step, start in starts.items() if step in ends}
    return RunTimings(
        to_first_event=ordered[0].timestamp - process_start,
        to_first_step=first_step - process_start,
        to_run_start=None if run_start is None else run_start - process_start,
        steps=steps,
        step_stages={
            step: stage_of_step(step, materialized.get(step, ()), step in checked) for step in steps
        },
        counts=dict(Counter(e.kind for e in ordered if e.kind)),
        to_last_step_end=max(ends.values(), default=first_step) - process_start,
        failed=failed,
    )


def events_from_log(entries: Iterable) -> list[Event]:
    """Dagster ``EventLogEntry``s (``instance.all_logs(run_id)``) as ``Event``s."""
    events = []
    for entry in entries:
        dagster_event = entry.dagster_event
        if dagster_event is None:
            events.append(Event("", entry.timestamp, entry.step_key))
            continue
        asset = None
        if dagster_event.asset_key is not None:
            asset = dagster_event.asset_key.to_user_string()
        elif dagster_event.event_type.name == "ASSET_CHECK_EVALUATION":
            asset = dagster_event.asset_check_evaluation_data.asset_key.to_user_string()
        events.append(
            Event(dagster_event.event_type.name, entry.timestamp, dagster_event.step_key, asset)
        )
    return events
