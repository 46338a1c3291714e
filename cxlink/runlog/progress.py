"""Run events -> the lines a person reads: one per stage, with its counts and elapsed time.

    extract customers .............. 5,000 rows (12 quarantined)     3.1 s

A step's line is written when it ends; the INFO lines its code logged follow it, indented.
Warnings and errors are written at once, in full. A long step (dbt's models, translation) shows
progress lines while it runs: dbt's "N of M models" from the materializations as they arrive, and
any INFO line of the step that says "N of M" (how the text assets report their batches). The
``Console`` decides how progress lines appear (rewritten in place on a terminal, every few
seconds otherwise).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cxlink.runlog.events import (
    CHECK,
    LOG,
    MATERIALIZATION,
    STEP_FAILURE,
    STEP_SKIPPED,
    STEP_START,
    STEP_SUCCESS,
    RunEvent,
    StepInfo,
)
from cxlink.runlog.stages import Stage, step_summary

# An INFO line that reports progress ("translated 320 of 1,200 sentences"): shown while the
# step runs, not kept.
PROGRESS = re.compile(r"\b\d[\d,]* of \d[\d,]*\b")
# Dagster's own ERROR line for a step it does not run because an upstream step failed.
NOT_EXECUTING = re.compile(r"^Dependencies for step (\S+) (failed|were not executed)")
# What dagster-dbt logs at INFO about its own subprocess: detail, for the log file only.
DETAIL_PREFIXES = (
    "Running dbt command",
    "Finished dbt command",
    "Copying `",
    "dbt process",
    "A dbt subsetted execution is not being performed",
)
# dagster-dbt warns of each dbt test that is not a Dagster check; no_unreadable_files tests are
# dbt-only on purpose (docs/design-decisions.md), so theirs go to the log file only.
DBT_ONLY_TEST_NOTICES = (
    "Logging an `AssetObservation` instead of an `AssetCheckResult` for dbt test "
    "`no_unreadable_files_",
)
# dagster-dbt's failure message starts with the whole dbt command line; dbt's own error lines
# follow this marker.
DBT_ERRORS = "Errors parsed from dbt logs:"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DBT_RESULT_DOTS = re.compile(r"\s\.{3,}\s.*$")  # "558 of 596 FAIL 1 name ..... [FAIL 1 in 0.08s]"
LABEL_WIDTH = 32
SUMMARY_WIDTH = 34


@dataclass(frozen=True)
class Line:
    """One line for the console. ``transient``: a progress update, replaced by the next line."""

    text: str
    transient: bool = False
    step: str | None = None
    time: float = 0.0


def stage_line(label: str, summary: str, seconds: float | None) -> str:
    dots = "." * max(2, LABEL_WIDTH - len(label))
    elapsed = "" if seconds is None else f"{seconds:6.1f} s"
    return f"  {label} {dots} {summary:<{SUMMARY_WIDTH}} {elapsed}".rstrip()


def indented(message: str, prefix: str = "      ") -> list[str]:
    return [prefix + line for line in message.splitlines() or [""]]


def plain(message: str | None) -> str:
    """Without terminal colour codes (dbt colours its results)."""
    return ANSI.sub("", message or "")


def first_line(message: str | None) -> str:
    lines = [line.strip() for line in plain(message).splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def error_summary(message: str | None) -> str:
    """The line that says what went wrong: dbt's first error for a failed dbt command, else the
    message's first line."""
    text = plain(message)
    if DBT_ERRORS in text:
        after = first_line(text.split(DBT_ERRORS, 1)[1])
        return "dbt: " + DBT_RESULT_DOTS.sub("", after)
    return first_line(text)


class Progress:
    """Feeds on a run's events in order; ``feed`` returns the lines to show for each."""

    def __init__(self, steps: Mapping[str, StepInfo]):
        self.steps = dict(steps)
        self._stages: dict[str, Stage] = {}
        self.started: set[str] = set()
        self.failed_steps: list[tuple[str, str]] = []  # (label, the error's first line)
        self.failed_checks: list[tuple[str, str]] = []  # (asset:check, description)
        self.not_built: list[str] = []  # "dbt: 25 of 65 models not built"
        self.skipped: set[str] = set()
        self.checks_passed_quietly = 0  # check steps that passed: counted, not one line each
        self._running: dict[str, str] = {}  # step -> its latest progress text

    def heartbeat(self, now: float) -> list[Line]:
        """A progress line for each running step: its latest progress and how long it has run
        (for steps that go quiet for a while: training, a long dbt model)."""
        lines = []
        for step, text in self._running.items():
            started = self._stage(step).started or now
            line = f"{text} ({now - started:.0f} s)"
            lines.append(Line(line, transient=True, step=step, time=now))
        return lines

    def _stage(self, step: str) -> Stage:
        if step not in self._stages:
            info = self.steps.get(step) or StepInfo(key=step, label=step.replace("__", "/"))
            self._stages[step] = Stage(info)
        return self._stages[step]

    def label(self, step: str | None) -> str:
        return self._stage(step).info.label if step else "run"

    def feed(self, event: RunEvent) -> list[Line]:
        handler = {
            STEP_START: self._start,
            STEP_SUCCESS: self._success,
            STEP_FAILURE: self._failure,
            STEP_SKIPPED: self._skipped,
            MATERIALIZATION: self._materialized,
            CHECK: self._checked,
            LOG: self._logged,
        }.get(event.kind)
        return handler(event) if handler else []

    def _line(self, text: str, event: RunEvent, transient: bool = False) -> Line:
        if transient and event.step in self._running:
            self._running[event.step] = text
        return Line(text, transient=transient, step=event.step, time=event.time)

    def _start(self, event: RunEvent) -> list[Line]:
        stage = self._stage(event.step)
        stage.started = event.time
        self.started.add(event.step)
        self._running[event.step] = ""
        info = stage.info
        text = f"  {info.label} ..." + (
            f" 0 of {info.assets} {info.unit}" if info.assets > 1 else ""
        )
        return [self._line(text, event, transient=True)]

    def _elapsed(self, stage: Stage, event: RunEvent) -> float | None:
        return None if stage.started is None else max(0.0, event.time - stage.started)

    def _success(self, event: RunEvent) -> list[Line]:
        self._running.pop(event.step, None)
        stage = self._stage(event.step)
        if stage.info.assets == 0 and not (stage.checks_warned or stage.checks_failed):
            self.checks_passed_quietly += stage.checks_passed  # the run's last line counts them
            return []
        text = stage_line(stage.info.label, step_summary(stage, False), self._elapsed(stage, event))
        return [self._line(t, event) for t in [text, *stage.note_lines()]]

    def _failure(self, event: RunEvent) -> list[Line]:
        self._running.pop(event.step, None)
        stage = self._stage(event.step)
        info = stage.info
        if event.by_check:  # its failed check was reported, and is listed, as the check
            return [
                self._line(stage_line(info.label, "failed", self._elapsed(stage, event)), event)
            ]
        self.failed_steps.append((info.label, error_summary(event.error)))
        if info.assets > 1 and stage.materialized < info.assets:
            self.not_built.append(
                f"{info.label}: {info.assets - stage.materialized} of {info.assets} "
                f"{info.unit} not built"
            )
        text = stage_line(info.label, step_summary(stage, True), self._elapsed(stage, event))
        lines = [text, *stage.note_lines(), *indented(plain(event.error) or "(no error message)")]
        return [self._line(t, event) for t in lines]

    def _skipped(self, event: RunEvent) -> list[Line]:
        self.skipped.add(event.step)
        return []

    def _materialized(self, event: RunEvent) -> list[Line]:
        stage = self._stage(event.step)
        stage.materialized += 1
        if event.rows is not None:
            stage.rows = (stage.rows or 0) + event.rows
        stage.quarantined += event.quarantined or 0
        info = stage.info
        if info.assets > 1:
            text = f"  {info.label} ... {stage.materialized} of {info.assets} {info.unit}"
            return [self._line(text, event, transient=True)]
        return []

    def _checked(self, event: RunEvent) -> list[Line]:
        stage = self._stage(event.step)
        name = f"{event.asset}:{event.check}"
        if event.passed:
            stage.checks_passed += 1
            return []
        why = event.description or "no description"
        if event.severity == "WARN":
            stage.checks_warned += 1
            return [self._line(f"  warning: check {name} did not pass: {why}", event)]
        stage.checks_failed += 1
        self.failed_checks.append((name, first_line(why)))
        return [self._line(f"  error: check {name} failed: {why}", event)]

    def _logged(self, event: RunEvent) -> list[Line]:
        message = event.message
        if NOT_EXECUTING.match(message):  # counted in skipped_by_group at the end
            return []
        if event.level >= logging.WARNING and not message.startswith(DBT_ONLY_TEST_NOTICES):
            kind = "error" if event.level >= logging.ERROR else "warning"
            head = f"  {kind}: {self.label(event.step)}: "
            first, *rest = message.splitlines() or [""]
            lines = [head + first, *(indented("\n".join(rest)) if rest else [])]
            return [self._line(t, event) for t in lines]
        if event.level < logging.INFO or message.startswith(
            DETAIL_PREFIXES + DBT_ONLY_TEST_NOTICES
        ):
            return []
        if event.step is None:
            return [self._line(f"  {message}", event)]
        if PROGRESS.search(message):
            text = f"  {self.label(event.step)} ... {first_line(message)}"
            return [self._line(text, event, transient=True)]
        self._stage(event.step).notes.append(indented(message))
        return []

    def skipped_by_group(self) -> dict[str, int]:
        """Planned steps that never started (or Dagster skipped), counted by asset group."""
        counts: dict[str, int] = {}
        for key, info in self.steps.items():
            if key in self.skipped or key not in self.started:
                counts[info.group] = counts.get(info.group, 0) + 1
        return dict(sorted(counts.items()))
