"""A step's state while it runs, and the summary its stage line ends with."""

from __future__ import annotations

from dataclasses import dataclass, field

from cxlink.runlog.events import StepInfo

# INFO lines kept after a stage line; more go to the log file only (the assets' own rule is one
# or two lines a stage, per-file detail at DEBUG).
MAX_NOTES = 3


@dataclass
class Stage:
    info: StepInfo
    started: float | None = None
    materialized: int = 0
    rows: int | None = None
    quarantined: int = 0
    checks_passed: int = 0
    checks_warned: int = 0
    checks_failed: int = 0
    notes: list[list[str]] = field(default_factory=list)  # INFO messages, after the stage line

    def note_lines(self) -> list[str]:
        """The first and the last messages (the last one usually sums the stage up)."""
        notes = self.notes
        if len(notes) > MAX_NOTES:
            hidden = len(notes) - MAX_NOTES + 1
            notes = [*notes[: MAX_NOTES - 2], [f"      ({hidden} more in the log file)"], notes[-1]]
        return [line for note in notes for line in note]


def step_summary(stage: Stage, failed: bool) -> str:
    info = stage.info
    if failed:
        parts = ["FAILED"]
        if info.assets > 1:
            parts.append(f"({stage.materialized} of {info.assets} {info.unit} built)")
        return " ".join(parts)
    if info.assets > 1:
        text = f"{stage.materialized} of {info.assets} {info.unit}"
    elif info.assets == 1 and stage.rows is not None:
        text = f"{stage.rows:,} rows" + (
            f" ({stage.quarantined:,} quarantined)" if stage.quarantined else ""
        )
    elif info.assets == 1:
        text = "done"
    else:
        text = ""
    checks = stage.checks_passed + stage.checks_warned + stage.checks_failed
    if checks:
        if info.assets == 0 and checks == 1:
            verdict = "passed" if stage.checks_passed else "warned" if stage.checks_warned else ""
            verdict = verdict or "failed"
        else:
            verdict = f"{stage.checks_passed} of {checks} checks passed"
        text = f"{text}, {verdict}" if text else verdict
    return text
