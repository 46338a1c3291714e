"""The hostile-input cases of the fault-injection script (issue 16's list).

Each case copies the demo landing zone, changes it the way the issue describes, runs
`cxlink run` on it in a data directory of its own and judges what was published:

- far-future date: one feedback row dated 2099-06-01; held when the published marts equal the
  clean run's (the row is set aside and the as-of date does not move);
- renamed file: after a clean run, subscriptions.csv renamed to subscriptions_v2.csv with one
  price corrected, then a rerun; held when it publishes what a run from scratch on the same
  landing zone publishes;
- glob file names: feedback files a*.csv, a1.csv, b[12].csv and b1.csv (one row each); held
  when each file is read as itself (one row each in the load manifest, none quarantined as a
  duplicate of another file's row);
- score 2^31: held when the run succeeds and the row is quarantined;
- MRR 9e12: held when the run succeeds and publishes;
- bad language: an e-mail address and an SQL-injection string as a comment's language; held
  when the run succeeds and every published language is an ISO 639-1 code;
- formula injection: a customer's segment ``=HYPERLINK(...)`` and channel ``=1+1``; held when
  no exported CSV field and no workbook cell is a live formula.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pycountry

from benchmarks.fault_runs import Bench, Verdict
from tests.mart_fingerprints import compare

FEEDBACK_HEADER = "response_id,customer_id,responded_at,survey_type,score,comment,language,channel"
LANGUAGES = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
FORMULA = re.compile(r"^(?:[=@]|[+\-][^0-9.])")  # a text field a spreadsheet would run


def _append(path: Path, *lines: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(lines) + "\n")


def _feedback(landing: Path, *rows: str) -> None:
    _append(landing / "feedback" / "legacy_export.csv", *rows)


def _run(bench: Bench, name: str, change: Callable[[Path], None]) -> tuple[int, Path]:
    landing = bench.root / f"{name}_landing"
    shutil.rmtree(landing, ignore_errors=True)
    shutil.copytree(bench.landing, landing)
    change(landing)
    data_dir, home = bench.place(name, landing)
    run = bench.run(data_dir, home, name)
    return run.wait(), data_dir


def _query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def far_future_date(bench: Bench) -> Verdict:
    row = "R-FUTURE-0001,C0000001,2099-06-01T10:00:00,nps,10,,en,email"
    code, data_dir = _run(bench, "far_future", lambda landing: _feedback(landing, row))
    problems = bench.equals_reference(data_dir)
    return Verdict(code == 0 and not problems, f"exit {code}; vs clean: {problems[:3] or 'equal'}")


def renamed_file(bench: Bench) -> Verdict:
    def rename(landing: Path) -> None:
        old = landing / "subscriptions" / "subscriptions.csv"
        lines = old.read_text(encoding="utf-8").splitlines()
        cells = lines[1].split(",")
        cells[5] = f"{float(cells[5]) + 100:.2f}"  # one corrected price
        lines[1] = ",".join(cells)
        (old.parent / "subscriptions_v2.csv").write_text("\n".join(lines) + "\n")
        old.unlink()

    landing = bench.root / "renamed_landing"
    shutil.rmtree(landing, ignore_errors=True)
    shutil.copytree(bench.landing, landing)
    rename(landing)
    base = bench.root / "renamed"
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(bench.root / "clean", base, symlinks=True)  # after the clean run
    shutil.rmtree(base / "data" / "landing")
    shutil.copytree(landing, base / "data" / "landing")
    rerun = bench.run(base / "data", base / "home", "renamed_rerun").wait()
    scratch_code, scratch_dir = _run(bench, "renamed_scratch", rename)
    scratch = bench.bi_copy(scratch_dir) or {}
    problems = compare(scratch, bench.bi_copy(base / "data") or {})
    held = rerun == scratch_code == 0 and bool(scratch) and not problems
    return Verdict(held, f"rerun exit {rerun}, from scratch exit {scratch_code}; {problems[:3]}")


GLOB_FILES = {"a*.csv": "R-GLOB-ASTAR", "a1.csv": "R-GLOB-A1", "b[12].csv": "R-GLOB-B12",
              "b1.csv": "R-GLOB-B1"}  # fmt: skip


def glob_file_names(bench: Bench) -> Verdict:
    def add(landing: Path) -> None:
        for day, (name, response) in enumerate(GLOB_FILES.items(), start=1):
            row = f"{response},C0000001,2025-03-0{day}T10:00:00,nps,7,,en,email"
            (landing / "feedback" / name).write_text(f"{FEEDBACK_HEADER}\n{row}\n")

    code, data_dir = _run(bench, "glob_names", add)
    warehouse = data_dir / "warehouse.duckdb"
    manifest = dict(
        _query(
            warehouse,
            "select file_path, rows from landing.load_manifest where entity = 'feedback'",
        )
    )
    read = {name: manifest.get(f"feedback/{name}", 0) for name in GLOB_FILES}
    set_aside = _query(
        warehouse,
        "select count(*) from quarantine.rejected_rows where original_values like '%R-GLOB-%'",
    )[0][0]
    held = code == 0 and set(read.values()) == {1} and set_aside == 0
    return Verdict(
        held, f"exit {code}; rows read per one-row file: {read}; quarantined: {set_aside}"
    )


def score_2_31(bench: Bench) -> Verdict:
    row = "R-HUGE-SCORE,C0000001,2025-03-01T10:00:00,nps,2147483648,,en,email"
    code, data_dir = _run(bench, "score_2_31", lambda landing: _feedback(landing, row))
    quarantined = (
        _query(
            data_dir / "warehouse.duckdb",
            "select count(*) from quarantine.rejected_rows where original_values like ?",
            ["%R-HUGE-SCORE%"],
        )
        if (data_dir / "warehouse.duckdb").exists()
        else [(0,)]
    )
    held = code == 0 and quarantined[0][0] == 1
    return Verdict(held, f"exit {code}; quarantined rows of it: {quarantined[0][0]}")


def _customer(landing: Path, customer: str, segment: str, channel: str) -> None:
    path = landing / "customers" / "customers.csv"
    with path.open("a", newline="", encoding="utf-8") as out:
        csv.writer(out).writerow(
            [customer, "2024-01-15", segment, "enterprise", channel, "DE", "founder", "", ""]
        )


def mrr_9e12(bench: Bench) -> Verdict:
    def add(landing: Path) -> None:
        _customer(landing, "C9999999", "enterprise", "organic")
        _append(
            landing / "subscriptions" / "subscriptions.csv",
            "SUB9999999-1,C9999999,enterprise,2024-01-15,2025-01-15,9000000000000.00,EUR",
        )

    code, data_dir = _run(bench, "mrr_9e12", add)
    published = (data_dir / "cxlink_bi.duckdb").exists()
    return Verdict(code == 0 and published, f"exit {code}; published: {published}")


def bad_language(bench: Bench) -> Verdict:
    rows = (
        "R-LANG-EMAIL,C0000001,2025-03-01T10:00:00,nps,6,Works fine,someone@example.com,email",
        'R-LANG-SQL,C0000001,2025-03-02T10:00:00,nps,6,Works fine,"en\'); drop table x; --",email',
    )
    code, data_dir = _run(bench, "bad_language", lambda landing: _feedback(landing, *rows))
    bad: set[str] = set()
    bi = data_dir / "cxlink_bi.duckdb"
    if bi.exists():
        for table in ("nps_monthly", "nps_monthly_by_language", "topic_mentions"):
            found = _query(bi, f"select distinct language from marts.{table}")
            bad |= {v for (v,) in found if v is not None and v not in LANGUAGES | {"unknown"}}
    held = code == 0 and bi.exists() and not bad
    return Verdict(held, f"exit {code}; languages published that are no ISO 639-1 code: {bad}")


def formula_injection(bench: Bench) -> Verdict:
    def add(landing: Path) -> None:
        _customer(landing, "C9999998", '=HYPERLINK("http://example.com","x")', "=1+1")

    code, data_dir = _run(bench, "formula_injection", add)
    live = []
    exports = data_dir / "exports"
    for path in sorted((exports / "csv").glob("*.csv")) if exports.exists() else []:
        with path.open(encoding="utf-8-sig", newline="") as f:
            live += [f"{path.name}: {c}" for row in csv.reader(f) for c in row if FORMULA.match(c)]
    workbook = exports / "cxlink_finance.xlsx"
    if workbook.exists():
        from openpyxl import load_workbook

        book = load_workbook(workbook)
        live += [f"{ws.title}!{c.coordinate}" for ws in book for r in ws.iter_rows() for c in r
                 if c.data_type == "f"]  # fmt: skip
    held = code == 0 and workbook.exists() and not live
    return Verdict(held, f"exit {code}; live formulas: {live[:3] or 'none'}")


CASES: dict[str, Callable[[Bench], Verdict]] = {
    "far-future date (2099-06-01)": far_future_date,
    "renamed file, one price corrected": renamed_file,
    "glob file names (a*.csv, b[12].csv)": glob_file_names,
    "score of 2^31": score_2_31,
    "MRR of 9e12": mrr_9e12,
    "bad language (e-mail, SQL injection)": bad_language,
    "formula injection (segment, channel)": formula_injection,
}
