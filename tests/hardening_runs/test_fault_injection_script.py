"""benchmarks/fault_injection.py's own parts: its report lines, its summary, its case list and
the checks it judges outputs with (the cases themselves are real runs: `make fault-injection`)."""

from __future__ import annotations

import pytest

from benchmarks import fault_injection, hostile_inputs
from benchmarks.fault_runs import Verdict


def test_one_line_per_case_and_n_of_m_held():
    verdicts = {"a": Verdict(True, "fine"), "b": Verdict(False, "exit 1"), "c": Verdict(True, "")}
    assert fault_injection.summary(verdicts) == "2 of 3 held"
    assert fault_injection.line("b", verdicts["b"], 12.4) == "  BROKE b (12 s): exit 1"
    assert fault_injection.line("a", verdicts["a"], 0.2) == "  held  a (0 s): fine"


def test_every_hostile_input_of_issue_16_is_a_case():
    names = " ".join(hostile_inputs.CASES).lower()
    for words in ("2099", "renamed", "a*.csv", "b[12].csv", "2^31", "9e12", "language",
                  "formula"):  # fmt: skip
        assert words in names, words


@pytest.mark.parametrize(
    ("cell", "live"),
    [("=1+1", True), ('=HYPERLINK("x")', True), ("@SUM(A1)", True), ("+A1", True),
     ("-A1", True), ("'=1+1", False), ("-1.5", False), ("+3", False), ("smb", False),
     ("", False)],
)  # fmt: skip
def test_a_spreadsheet_formula_is_recognised(cell: str, live: bool):
    assert bool(hostile_inputs.FORMULA.match(cell)) is live


def test_languages_are_iso_639_1():
    assert {"en", "fi", "de", "sv"} <= hostile_inputs.LANGUAGES
    assert (
        "someone@example.com" not in hostile_inputs.LANGUAGES
        and "eng" not in hostile_inputs.LANGUAGES
    )


def test_an_unknown_group_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_:
        fault_injection.main(["--groups", "runs,nonsense"])
    assert exit_.value.code == 2
    assert "unknown groups: nonsense" in capsys.readouterr().err
