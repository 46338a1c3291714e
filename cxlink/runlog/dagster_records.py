"""Dagster -> plain records: a log record of the run -> ``RunEvent``, a job -> its ``StepInfo``s.

Dagster gives every record its logger receives a ``dagster_meta`` attribute (the step key, the
message as logged, and the ``DagsterEvent`` when the record is one: STEP_START, STEP_SUCCESS,
STEP_FAILURE, STEP_SKIPPED, ASSET_MATERIALIZATION, ASSET_CHECK_EVALUATION, ...).
"""

from __future__ import annotations

import logging
from typing import Any

import dagster as dg

# The job's asset layer is keyed by node handles; dagster does not export the class.
from dagster._core.definitions.dependency import NodeHandle

from cxlink.runlog.events import (
    CHECK,
    LOG,
    MATERIALIZATION,
    OTHER,
    STEP_FAILURE,
    STEP_SKIPPED,
    STEP_START,
    STEP_SUCCESS,
    RunEvent,
    StepInfo,
    group_label,
)

DAGSTER_META = "dagster_meta"  # dagster._core.log_manager.LOG_RECORD_METADATA_ATTR


def _metadata_value(metadata: dict[str, Any], key: str) -> Any:
    value = metadata.get(key)
    return getattr(value, "value", value)


# The error of a step whose blocking check failed: the failed check says it better.
CHECK_FAILED_ERROR = "DagsterAssetCheckFailedError"


def _innermost(event):
    error = event.step_failure_data.error
    while error is not None and error.cause is not None:
        error = error.cause
    return error


def _error_text(event) -> str:
    """The failure as a person reads it: a ``dg.Failure``'s description, else the innermost
    cause (the exception the step's code raised), ``Type: message``."""
    data = event.step_failure_data
    user = getattr(data, "user_failure_data", None)
    if user is not None and user.description:
        return user.description
    error = _innermost(event)
    return "(no error message)" if error is None else error.message.strip()


def _check_description(evaluation) -> str | None:
    if evaluation.description:
        return evaluation.description
    metadata = dict(evaluation.metadata or {})
    failing = _metadata_value(metadata, "dagster_dbt/failed_row_count")
    if failing is not None:
        return f"{failing} failing rows"
    status = _metadata_value(metadata, "status")
    return f"status {status}" if status else None


def to_run_event(record: logging.LogRecord) -> RunEvent:
    meta = getattr(record, DAGSTER_META, None)
    if meta is None:  # a record from outside the run (not expected; kept as a plain message)
        return RunEvent(LOG, None, record.created, record.levelno, record.getMessage())
    step, event = meta.get("step_key"), meta.get("dagster_event")
    if event is None:
        return RunEvent(LOG, step, record.created, record.levelno, meta.get("orig_message", ""))
    base: dict[str, Any] = {"step": step or event.step_key, "time": record.created}
    base["level"], base["message"] = record.levelno, meta.get("orig_message", "")
    if event.is_step_start:
        return RunEvent(STEP_START, **base)
    if event.is_step_success:
        return RunEvent(STEP_SUCCESS, **base)
    if event.is_step_failure:
        error = _innermost(event)
        by_check = error is not None and error.cls_name == CHECK_FAILED_ERROR
        return RunEvent(STEP_FAILURE, error=_error_text(event), by_check=by_check, **base)
    if event.is_step_skipped:
        return RunEvent(STEP_SKIPPED, **base)
    if event.is_step_materialization:
        materialization = event.step_materialization_data.materialization
        metadata = dict(materialization.metadata or {})
        rows = _metadata_value(metadata, "dagster/row_count")
        quarantined = _metadata_value(metadata, "rows_quarantined")
        return RunEvent(
            MATERIALIZATION,
            asset=materialization.asset_key.to_user_string(),
            rows=rows if isinstance(rows, int) else None,
            quarantined=quarantined if isinstance(quarantined, int) else None,
            **base,
        )
    if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
        evaluation = event.asset_check_evaluation_data
        return RunEvent(
            CHECK,
            asset=evaluation.asset_key.to_user_string(),
            check=evaluation.check_name,
            passed=evaluation.passed,
            severity=evaluation.severity.value,
            description=_check_description(evaluation),
            **base,
        )
    return RunEvent(OTHER, **base)


def _unit(specs) -> str:
    return "models" if any("dbt" in spec.kinds for spec in specs) else "assets"


def check_label(checks: list[dg.AssetCheckKey]) -> str:
    """``check raw/customers gx``: the asset, and the check's name without the words that repeat
    the asset's key (``gx_raw_customers`` -> ``gx``)."""
    asset = checks[0].asset_key
    if len(checks) > 1:
        return f"checks {asset.to_user_string()}"
    repeated = {word for part in asset.path for word in [part, *part.split("_")]}
    words = [w for w in checks[0].name.split("_") if w not in repeated]
    return f"check {asset.to_user_string()} {'_'.join(words) or checks[0].name}"


def step_infos(job: dg.JobDefinition) -> dict[str, StepInfo]:
    """Every step the job plans (one per node: the job runs in process, no dynamic outputs),
    labelled from its asset keys and group (``extract customers``, ``dbt``, ``check ...``)."""
    layer = job.asset_layer
    steps: dict[str, StepInfo] = {}
    for node in job.graph.nodes:
        handle = NodeHandle(node.name, None)
        assets_def = layer.get_assets_def_for_node(handle)
        if assets_def is None:
            steps[node.name] = StepInfo(node.name, node.name)
            continue
        selected = layer.get_selected_entity_keys_for_node(handle)
        keys = sorted(k for k in selected if isinstance(k, dg.AssetKey))
        checks = sorted(
            (k for k in selected if isinstance(k, dg.AssetCheckKey)), key=lambda k: k.name
        )
        specs = [assets_def.specs_by_key[k] for k in keys if k in assets_def.specs_by_key]
        unit = _unit(specs)
        if len(keys) > 1:
            group = "dbt" if unit == "models" else (specs[0].group_name or "other")
            label = "dbt build" if unit == "models" else node.name
        elif keys:
            group = specs[0].group_name if specs else "other"
            label = group_label(keys[0].path, group)
        else:  # a step of checks only
            group = "checks"
            label = check_label(checks) if checks else node.name
        steps[node.name] = StepInfo(node.name, label, group, len(keys), len(checks), unit)
    return steps
