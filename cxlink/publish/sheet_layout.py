"""How one finance table is laid out on its sheet (pure functions; workbook.py writes it).

- **Column order**: the table's own, except that each interval column (``*_ci_low``,
  ``*_ci_high``) and standard error (``*_se``) follows its estimate: estimate, low, high, SE.
- **Supporting columns** (standard errors and ``ci_z``) are grouped and collapsed: still in
  the table and its filters, one click on the outline's ``+`` away, but not printed.
- **Two layouts.** A time series (the first column is a month: the MRR bridge, CAC)
  has one row per grain, the latest period first. A snapshot (CLV by channel, the NPS-revenue
  linkage) with more than ``FIGURES_MIN_COLUMNS`` figures would print at an unreadable scale
  as rows, so it is shown *transposed*: one row per figure, one column per grain (e.g. per
  billing model x channel), as finance reads a KPI table. A snapshot with more than
  ``FIGURES_MAX_GROUPS`` rows keeps the row layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cxlink.publish.cell_formats import CellFormat, cell_format
from cxlink.publish.common import Column
from cxlink.publish.manifest import TableDocs
from cxlink.publish.sheet_cells import excel_value

FIGURES_MIN_COLUMNS = 16  # visible figures above which a snapshot is transposed
FIGURES_MAX_GROUPS = 40  # ... unless it has more rows than this
PERIOD_UNITS = ("month", "date")
GRAIN_UNITS = ("dimension", "text")  # "text": a VARCHAR column of a table without units
INTERVAL_SUFFIXES = ("_ci_low", "_ci_high", "_se")
BARE_INTERVALS = ("ci_low", "ci_high", "se")
SUPPORTING_NAMES = ("ci_z",)


@dataclass(frozen=True)
class SheetColumn:
    name: str
    data_type: str
    format: CellFormat
    supporting: bool  # grouped and hidden (standard errors, ci_z)

    @property
    def unit(self) -> str:
        return self.format.unit


def interval_stem(name: str) -> tuple[str, str] | None:
    """(stem, kind) of an interval or SE column: ``logo_churn_ci_low`` -> (logo_churn,
    ci_low); ``se`` -> ('', se); None for any other column."""
    if name in BARE_INTERVALS:
        return "", name
    for suffix in INTERVAL_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix[1:]
    return None


def _tokens(name: str) -> set[str]:
    return set(re.split(r"_+", name)) - {""}


def _estimate_of(
    name: str, names: Sequence[str], candidates: Sequence[str], units: Mapping[str, str]
) -> str | None:
    """The estimate interval column ``name`` belongs to, among ``candidates`` of the same
    unit: the column named as its stem; else the nearest column before it (then after it)
    whose name holds every word of the stem (``lifetime_rmst`` -> ``lifetime_months_rmst``,
    ``cac_payback`` -> ``cac_payback_months``; a bare ``ci_low`` matches any)."""
    stem = interval_stem(name)[0]
    unit = units.get(name)
    same = [c for c in candidates if unit is None or units.get(c) in (None, unit)]
    if stem in same:
        return stem
    words = _tokens(stem)
    at = names.index(name)
    for nearby in (reversed(names[:at]), names[at + 1 :]):
        for other in nearby:
            if other in same and words <= _tokens(other):
                return other
    return None


def interval_order(
    names: Sequence[str],
    numeric: Sequence[str] | None = None,
    units: Mapping[str, str] | None = None,
) -> list[str]:
    """``names`` with each interval/SE column moved right after its estimate (estimate,
    ci_low, ci_high, se); an interval whose estimate is not found stays where it is.
    ``numeric``: the columns that can be estimates (default: every non-interval column);
    ``units``: column -> unit, when known (an estimate has its interval's unit)."""
    plain = [n for n in names if interval_stem(n) is None]
    candidates = [n for n in (numeric if numeric is not None else plain) if n in plain]
    attached: dict[str, list[str]] = {}
    orphans = set()
    for name in names:
        if interval_stem(name) is None:
            continue
        estimate = _estimate_of(name, names, candidates, units or {})
        if estimate is None:
            orphans.add(name)
        else:
            attached.setdefault(estimate, []).append(name)
    rank = {"ci_low": 0, "ci_high": 1, "se": 2}
    ordered = []
    for name in names:
        if interval_stem(name) is not None and name not in orphans:
            continue
        ordered.append(name)
        followers = attached.get(name, [])
        ordered += sorted(followers, key=lambda n: rank[interval_stem(n)[1]])
    return ordered


def is_supporting(name: str) -> bool:
    found = interval_stem(name)
    return (found is not None and found[1] == "se") or name in SUPPORTING_NAMES


def sheet_columns(columns: Sequence[Column], docs: TableDocs, currency: str) -> list[SheetColumn]:
    """The sheet's columns in sheet order, each with its format."""
    formats = {
        c.name: cell_format(docs.unit(c.name), c.name, c.data_type, currency) for c in columns
    }
    by_name = {c.name: c for c in columns}
    numeric = [c.name for c in columns if formats[c.name].unit not in (*GRAIN_UNITS, *PERIOD_UNITS)]
    return [
        SheetColumn(name, by_name[name].data_type, formats[name], is_supporting(name))
        for name in interval_order(
            [c.name for c in columns], numeric, {n: f.unit for n, f in formats.items()}
        )
    ]


def is_time_series(columns: Sequence[SheetColumn]) -> bool:
    """Whether the table's first column is its month (a date first, such as a snapshot's
    ``as_of_date``, is not a period)."""
    return bool(columns) and columns[0].unit == "month"


def grain(columns: Sequence[SheetColumn]) -> list[SheetColumn]:
    """The leading columns that name a row: a time series' period and the dimensions after
    it; a snapshot's leading dimensions."""
    lead = list(columns[:1]) if is_time_series(columns) else []
    for column in columns[len(lead) :]:
        if column.unit not in GRAIN_UNITS:
            break
        lead.append(column)
    return lead


def transposed(columns: Sequence[SheetColumn], rows: int) -> bool:
    """Whether the sheet is laid out as figures x groups (see the module docstring)."""
    if is_time_series(columns) or not 1 <= rows <= FIGURES_MAX_GROUPS:
        return False
    keys = {c.name for c in grain(columns)}
    figures = [c for c in columns if c.name not in keys and not c.supporting]
    return len(figures) > FIGURES_MIN_COLUMNS


def period_columns(columns: Sequence[SheetColumn]) -> list[SheetColumn]:
    return [c for c in columns if c.unit in PERIOD_UNITS]


@dataclass
class SheetPlan:
    """One finance table as its sheet shows it (workbook.plan_sheet)."""

    table: str
    columns: list[SheetColumn]
    rows: int
    currency: str
    docs: TableDocs

    @property
    def transposed(self) -> bool:
        return transposed(self.columns, self.rows)

    @property
    def keys(self) -> list[SheetColumn]:
        return grain(self.columns)


def group_labels(plan: SheetPlan, rows: Sequence[tuple[Any, ...]]) -> list[str]:
    """The column header of each row of a transposed sheet: its grain's values joined by
    ' · ' (more columns are added while two rows would read the same; unique_headers settles
    any tie left)."""
    names = [c.name for c in plan.columns]
    keys = [names.index(c.name) for c in plan.keys]
    others = [i for i in range(len(names)) if i not in keys]

    def label(row: tuple[Any, ...], used: list[int]) -> str:
        parts = []
        for i in used:
            column, value = plan.columns[i], excel_value(row[i])
            text = "(none)" if value is None else column.format.render(value) or "(empty)"
            parts.append(text if i in keys else f"{column.name} {text}")
        return " · ".join(parts) or "value"

    used = list(keys)
    labels = [label(r, used) for r in rows]
    for extra in others:
        if len({s.lower() for s in labels}) == len(labels):
            break
        used.append(extra)
        labels = [label(r, used) for r in rows]
    return labels
