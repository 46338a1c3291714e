"""The end of a run: one block that says what failed, what was skipped and why, and where the log
is. ``failure_lines`` takes extra lines (the landing files that could not be read, ...) from the
caller, so other parts can add to the message without knowing its shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RunOutcome:
    """What a run did, as the console reports it (``cxlink.runlog.run_job`` returns one)."""

    success: bool
    run_id: str
    seconds: float
    log_path: Path | None = None
    failed_steps: list[tuple[str, str]] = field(default_factory=list)  # (label, first line)
    failed_checks: list[tuple[str, str]] = field(default_factory=list)  # (check, description)
    skipped_by_group: dict[str, int] = field(default_factory=dict)
    not_built: list[str] = field(default_factory=list)
    checks_passed: int = 0  # of the check steps (extract, ledger, alerts), not dbt's tests
    # the first error writing the log file (a full disk): the file stops there, the run goes on
    log_error: str | None = None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def failure_lines(outcome: RunOutcome, extra_lines: Sequence[str] = ()) -> list[str]:
    """The failed run's message: failed steps with their error's first line, failed error-level
    checks with their description, skipped steps counted by group, then ``extra_lines``."""
    head = [_plural(len(outcome.failed_steps), "step") + " failed"]
    if outcome.failed_checks:
        head.append(_plural(len(outcome.failed_checks), "check") + " failed")
    skipped = sum(outcome.skipped_by_group.values())
    if skipped:
        head.append(_plural(skipped, "step") + " skipped")
    lines = [f"run {outcome.run_id} failed after {outcome.seconds:.1f} s: {', '.join(head)}"]
    lines += [f"  failed: {label}: {error}" for label, error in outcome.failed_steps]
    lines += [f"  failed check: {name}: {why}" for name, why in outcome.failed_checks]
    lines += [f"  not built: {text}" for text in outcome.not_built]
    if skipped:
        groups = ", ".join(f"{n} {group}" for group, n in outcome.skipped_by_group.items())
        lines.append(f"  skipped, because a step or blocking check they depend on failed: {groups}")
    lines += [f"  {line}" for line in extra_lines]
    return lines + log_lines(outcome)


def success_lines(outcome: RunOutcome) -> list[str]:
    checks = f"; {_plural(outcome.checks_passed, 'check')} passed" if outcome.checks_passed else ""
    head = f"run {outcome.run_id} succeeded in {outcome.seconds:.1f} s{checks}"
    return [head, *log_lines(outcome)]


def log_lines(outcome: RunOutcome) -> list[str]:
    if not outcome.log_path:
        return []
    if outcome.log_error:
        return [f"full log (DEBUG included): {outcome.log_path}, cut short: {outcome.log_error}"]
    return [f"full log (DEBUG included): {outcome.log_path}"]
