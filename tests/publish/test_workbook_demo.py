"""The demo run's finance workbook (the shared `demo_run`, with the real dbt manifest's units):
every finance table has its sheet, no number is left in Excel's General format, money shows
the currency, rates are percentages, every column is wide enough for what it shows, and the
README names a docs/metrics.md section that exists for every sheet."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from cxlink.publish import FINANCE_TABLES, mart_docs
from cxlink.publish.workbook import WORKBOOK_NAME
from cxlink.publish.workbook_readme import metrics_sections
from cxlink.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def demo_workbook(demo_run):
    data_dir, _, _ = demo_run
    book = openpyxl.load_workbook(data_dir / "exports" / WORKBOOK_NAME)
    yield book
    book.close()


def test_every_finance_table_has_a_sheet(demo_workbook):
    assert demo_workbook.sheetnames == ["README", *FINANCE_TABLES]


def test_numbers_are_formatted_by_unit_and_fit_their_columns(demo_workbook, dbt_manifest: Path):
    docs = mart_docs(dbt_manifest)
    seen = {"money": 0, "fraction": 0}
    for table in FINANCE_TABLES:
        ws = demo_workbook[table]
        assert ws.freeze_panes in ("B2", "C2", "D2"), table
        transposed = ws.cell(1, 1).value == "figure"
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if not isinstance(cell.value, int | float) or isinstance(cell.value, bool):
                    continue
                assert cell.number_format != "General", (table, cell.coordinate)
                name = (row[0].value if transposed else ws.cell(1, cell.column).value) or ""
                unit = docs[table].unit(name.replace(" ", "_"))
                if unit == "money":
                    assert cell.number_format.endswith('"EUR"'), (table, name)
                    seen["money"] += 1
                elif unit == "fraction":
                    assert cell.number_format == "0.0%", (table, name)
                    seen["fraction"] += 1
                # a width below the shown number's length would show ###
                shown = len(f"{cell.value:,.2f}")
                width = ws.column_dimensions[cell.column_letter].width
                assert width >= shown, (table, cell.coordinate, width)
    assert seen["money"] > 100 and seen["fraction"] > 100


def test_the_readme_names_an_existing_definition_for_every_sheet(dbt_manifest: Path):
    metrics = (PROJECT_ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#{2,3} (.+)$", metrics, re.M))
    docs = mart_docs(dbt_manifest)
    for table in FINANCE_TABLES:
        sections = metrics_sections(docs[table].description)
        assert sections and set(sections) <= headings, (table, sections)
