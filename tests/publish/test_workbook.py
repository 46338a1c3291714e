"""The finance workbook opens ready: formats by unit, fitted widths, frozen headers, Excel
tables, the latest period first, intervals beside estimates, print settings, a README that
wraps and names each figure's definition, and text that never runs as a formula."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cxlink.publish import ExportOptions, export_marts
from cxlink.publish.cell_formats import cell_format
from cxlink.publish.sheet_cells import orientation, unique_headers, wrapped_lines
from cxlink.publish.sheet_layout import interval_order
from cxlink.publish.workbook import WORKBOOK_NAME
from cxlink.publish.workbook_readme import confidence_text, first_sentence, metrics_sections
from tests.publish.finance_marts import (
    CHANNELS,
    LONG_DESCRIPTION,
    build_finance_marts,
    write_finance_manifest,
)

TABLES = ("cac_total", "cac_by_channel", "clv_by_channel", "nps_overall")
MONEY = '#,##0.00 "EUR";[Red]-#,##0.00 "EUR"'


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workbook")
    marts = build_finance_marts(folder / "warehouse.duckdb")
    manifest = write_finance_manifest(folder / "manifest.json")
    export_marts(
        marts,
        folder / "exports",
        manifest_path=manifest,
        run_date=date(2024, 4, 2),
        finance_tables=TABLES,
    )
    return folder / "exports" / WORKBOOK_NAME


@pytest.fixture(scope="module")
def wb(workbook: Path):
    book = openpyxl.load_workbook(workbook)
    yield book
    book.close()


def values(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def column_of(ws, header: str) -> int:
    """1-based index of the column whose header reads ``header``."""
    return [c.value for c in ws[1]].index(header) + 1


def test_sheets_in_the_given_order_after_the_readme(wb):
    assert wb.sheetnames == ["README", *TABLES]


def test_number_formats_follow_each_columns_unit(wb):
    ws = wb["cac_total"]
    row = {c: ws.cell(3, column_of(ws, c)) for c in ("month", "spend", "new customers", "cac")}
    assert row["month"].number_format == "yyyy-mm" and row["month"].is_date
    assert row["spend"].number_format == MONEY
    assert row["new customers"].number_format == "#,##0"
    assert row["cac"].number_format == MONEY
    ws = wb["nps_overall"]
    assert ws.cell(3, column_of(ws, "nps")).number_format == "+0.0;-0.0;0.0"
    assert ws.cell(2, column_of(ws, "period start date")).number_format == "yyyy-mm-dd"
    assert ws.cell(2, column_of(ws, "period")).number_format == "@"
    # the transposed sheet formats per row: each figure in its unit
    ws = wb["clv_by_channel"]
    formats = {ws.cell(r, 1).value: ws.cell(r, 2).number_format for r in range(2, ws.max_row + 1)}
    assert formats["customers"] == "#,##0"
    assert formats["arpu"] == formats["clv ci low"] == MONEY
    assert formats["monthly churn"] == "0.0%"
    assert formats["clv to cac"] == '0.00"x"'
    assert formats["lifetime months"] == "#,##0.0"
    assert formats["rmst horizon months"] == "#,##0"  # an integer column: no decimals
    assert formats["clv formula"] == "@"


def test_widths_fit_the_content_so_no_cell_shows_hashes(wb):
    ws = wb["cac_total"]
    # 1,234,567.89 EUR is 16 characters; a month 7
    assert ws.column_dimensions["B"].width >= len("1,234,567.89 EUR") + 1
    assert 7 < ws.column_dimensions["A"].width < 14
    # every column of every sheet is at least as wide as its longest shown value
    for name in TABLES:
        sheet = wb[name]
        for col in sheet.iter_cols(min_row=2):
            letter = col[0].column_letter
            width = sheet.column_dimensions[letter].width
            for cell in col:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    shown = len(f"{cell.value:,.2f}")
                    assert width >= shown, (name, letter, cell.value, width)
    # the transposed sheet's first column fits its longest figure name
    ws = wb["clv_by_channel"]
    assert ws.column_dimensions["A"].width >= len("monthly churn ci high")


def test_header_frozen_and_each_sheet_an_excel_table_with_filters(wb):
    assert wb["cac_total"].freeze_panes == "B2"  # the header row and the month
    assert wb["cac_by_channel"].freeze_panes == "C2"  # ... and the channel
    assert wb["clv_by_channel"].freeze_panes == "B2"  # the header row and the figure names
    for name in TABLES:
        ws = wb[name]
        [table] = ws.tables.values()
        first, last = table.ref.split(":")
        assert first == "A1"
        assert last == f"{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
        assert [c.name for c in table.tableColumns] == [c.value for c in ws[1]]
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref
        assert table.tableStyleInfo.name == "TableStyleMedium2"
    assert {t.displayName for ws in wb for t in ws.tables.values()} >= {"cac_total", "columns"}


def test_latest_period_first(wb):
    months = [r[0].date() for r in values(wb["cac_total"])[1:]]
    assert months == [date(2024, 3, 1), date(2024, 2, 1), date(2024, 1, 1)]
    rows = values(wb["cac_by_channel"])[1:]
    assert [r[0].date() for r in rows] == [date(2024, 2, 1)] * 6 + [date(2024, 1, 1)] * 6
    # within a month the channels ascending, as text
    assert [r[1] for r in rows[:6]] == sorted(CHANNELS)


def test_intervals_sit_beside_their_estimate_and_standard_errors_are_hidden(wb):
    ws = wb["nps_overall"]
    header = [c.value for c in ws[1]]
    at = header.index("nps")
    assert header[at : at + 4] == ["nps", "ci low", "ci high", "se"]
    se = openpyxl.utils.get_column_letter(at + 4)
    assert ws.column_dimensions[se].hidden and ws.column_dimensions[se].outlineLevel == 1
    assert not ws.column_dimensions[openpyxl.utils.get_column_letter(at + 1)].hidden
    ws = wb["clv_by_channel"]
    figures = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    at = figures.index("clv")
    assert figures[at : at + 4] == ["clv", "clv ci low", "clv ci high", "clv se"]
    assert ws.row_dimensions[at + 2 + 3].hidden  # clv se's row
    assert not ws.row_dimensions[at + 2].hidden


def test_a_wide_snapshot_is_transposed_one_column_per_group(wb):
    ws = wb["clv_by_channel"]
    header = [c.value for c in ws[1]]
    assert header[0] == "figure"
    assert header[1:] == [
        f"{b} · {c}"
        for b in ("one_time", "subscription")
        for c in ("organic", "paid_search", "partner")
    ]
    figures = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    # one_time x organic is the first row of the table (i = 1): arpu = 1000.5 * 1 + 1
    assert ws.cell(figures["arpu"], 2).value == pytest.approx(1001.5)
    assert ws.cell(figures["customers"], 2).value == 7
    assert "billing model" not in figures and "acquisition channel" not in figures


def test_print_settings_fit_the_page_width(wb):
    orientation = {name: wb[name].page_setup.orientation for name in ("README", *TABLES)}
    # the orientation with the fewest pages at a readable scale (test_the_orientation_...)
    assert orientation == {
        "README": "landscape",
        "cac_total": "portrait",
        "cac_by_channel": "portrait",
        "clv_by_channel": "landscape",  # 6 groups: wider than a portrait page
        "nps_overall": "portrait",
    }
    for name in ("README", *TABLES):
        ws = wb[name]
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert "&P of &N" in ws.oddFooter.right.text
    for name in TABLES:
        assert wb[name].print_title_rows == "$1:$1"  # the header on every page
    assert wb["clv_by_channel"].print_title_cols == "$A:$A"


def test_readme_names_the_window_the_currency_and_each_figures_definition(wb):
    ws = wb["README"]
    rows = values(ws)
    facts = {r[0]: r[1] for r in rows[1:10] if r[0]}
    assert facts["run date"].date() == date(2024, 4, 2)
    # the window comes from marts.data_window (the events), which these finance marts lack:
    # left empty rather than guessed from cac's month columns
    assert facts["data window (first month)"] is None
    assert facts["data window (last month)"] is None
    assert facts["reporting currency"] == "EUR"
    assert facts["intervals"] == "95% two-sided (z = 1.96)"
    header = ("sheets", "column", "unit", "definition (docs/metrics.md section)", "description")
    at = next(i for i, r in enumerate(rows) if r[:5] == header)
    entries = {(r[0], r[1]): r for r in rows[at + 1 :]}
    spend = entries[("cac_total", "spend")]  # described apart in each cac sheet
    assert spend[2] == "money (EUR)" and spend[5] == "yes"
    assert spend[3] == "CLV and CAC"
    # a column whose own description names no section gets its table's
    assert entries[("cac_total", "cac")][3] == "CLV and CAC"
    # a column documented alike in two sheets is listed once, naming both
    assert entries[("cac_total, cac_by_channel", "month")][2] == "month"
    assert entries[("nps_overall", "nps")][3] == "Survey metrics"
    clv = entries[("clv_by_channel", "clv")]
    assert clv[3] == "CLV and CAC; Linking NPS to retention and revenue"
    # descriptions wrap, and their rows are as tall as their text
    description = ws.cell(at + 2, 5)
    assert description.alignment.wrap_text
    long = next(r for r in range(at + 2, ws.max_row + 1) if ws.cell(r, 5).value == LONG_DESCRIPTION)
    assert ws.row_dimensions[long].height >= 3 * 15  # 3 lines of 90 characters at least


def test_text_is_written_as_text_never_as_a_formula(workbook: Path, wb):
    ws = wb["cac_by_channel"]
    cells = [ws.cell(r, 2) for r in range(2, ws.max_row + 1)]
    assert sorted(c.value for c in cells[:6]) == sorted(CHANNELS)
    for cell in cells:
        assert cell.data_type == "s", cell.value
        assert cell.quotePrefix == (cell.value[0] in "=+-@")
    with zipfile.ZipFile(workbook) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(re.search(rb"<f[ >]", z.read(n)) for n in sheets)


def test_a_semicolon_dialect_does_not_change_the_workbook(tmp_path: Path, workbook: Path):
    marts = build_finance_marts(tmp_path / "warehouse.duckdb")
    manifest = write_finance_manifest(tmp_path / "manifest.json")
    export_marts(
        marts,
        tmp_path / "exports",
        manifest_path=manifest,
        run_date=date(2024, 4, 2),
        finance_tables=TABLES,
        options=ExportOptions(csv_dialect="semicolon"),
    )
    book = openpyxl.load_workbook(tmp_path / "exports" / WORKBOOK_NAME)
    try:
        assert values(book["cac_total"]) == values(openpyxl.load_workbook(workbook)["cac_total"])
    finally:
        book.close()


def test_money_shows_the_tables_currency(tmp_path: Path):
    marts = build_finance_marts(tmp_path / "warehouse.duckdb", currency="USD")
    export_marts(
        marts,
        tmp_path / "exports",
        manifest_path=write_finance_manifest(tmp_path / "manifest.json"),
        finance_tables=("cac_total",),
        options=ExportOptions(currency="EUR"),  # the table's currency column wins
    )
    book = openpyxl.load_workbook(tmp_path / "exports" / WORKBOOK_NAME)
    ws = book["cac_total"]
    assert ws.cell(2, 2).number_format == '#,##0.00 "USD";[Red]-#,##0.00 "USD"'
    book.close()


def test_interval_order():
    assert interval_order(["nps", "se", "ci_low", "ci_high", "n"]) == [
        "nps",
        "ci_low",
        "ci_high",
        "se",
        "n",
    ]
    assert interval_order(
        ["lifetime_months_rmst", "lifetime_rmst_se", "x", "lifetime_rmst_ci_low"]
    ) == ["lifetime_months_rmst", "lifetime_rmst_ci_low", "lifetime_rmst_se", "x"]
    assert interval_order(["churn_rate", "retention_rate", "churn_ci_high", "churn_ci_low"]) == [
        "churn_rate",
        "churn_ci_low",
        "churn_ci_high",
        "retention_rate",
    ]
    assert interval_order(["orphan_ci_low", "a"]) == ["orphan_ci_low", "a"]


def test_formats_render_what_excel_shows():
    money = cell_format("money", "arr", "DOUBLE", "EUR")
    assert money.render(14751659.076) == "14,751,659.08 EUR"
    assert money.render(-5.0) == "-5.00 EUR"
    assert cell_format("fraction", "r", "DOUBLE", "EUR").render(0.15951) == "16.0%"
    assert cell_format("nps_points", "nps", "DOUBLE", "EUR").render(31.64) == "+31.6"
    assert cell_format("ratio", "x", "DOUBLE", "EUR").render(3.456) == "3.46x"
    assert cell_format("months", "h", "INTEGER", "EUR").render(12) == "12"
    assert cell_format("month", "m", "DATE", "EUR").render(date(2024, 5, 1)) == "2024-05"
    # without a unit, from the type: a DATE named *month* is a month, a DOUBLE 2-4 decimals
    assert cell_format(None, "response_month", "DATE", "EUR").number_format == "yyyy-mm"
    assert cell_format(None, "x", "DOUBLE", "EUR").render(0.01449) == "0.0145"
    assert cell_format(None, "x", "DOUBLE", "EUR").render(1234.5) == "1,234.50"
    assert cell_format(None, "n", "BIGINT", "EUR").number_format == "#,##0"


def test_wrapped_lines_breaks_between_words():
    assert wrapped_lines("new customers", 10) == 2
    assert wrapped_lines("new customers", 16) == 1
    assert wrapped_lines("a" * 25, 11) == 3  # a word longer than the line is broken
    assert wrapped_lines("one\ntwo", 20) == 2
    assert wrapped_lines("", 20) == 1


def test_metrics_sections_and_anchors():
    text = (
        'x (docs/metrics.md "Linking NPS to retention and\n  revenue", "CLV and CAC" and '
        '"Survey metrics"), then docs/metrics.md "CLV and CAC" again.'
    )
    assert metrics_sections(text) == [
        "Linking NPS to retention and revenue",
        "CLV and CAC",
        "Survey metrics",
    ]
    assert metrics_sections("no reference") == []
    assert confidence_text([1.96]) == "95% two-sided (z = 1.96)"
    assert confidence_text([1.6449]) == "90% two-sided (z = 1.6449)"
    assert confidence_text([]) == ""


def test_headers_stay_unique_for_the_excel_table(tmp_path: Path):
    import duckdb

    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        'create schema marts; create table marts.t as select 1 as "x_y", 2 as "x y", 3 as "X Y 2"'
    )
    con.close()
    export_marts(db, tmp_path / "exports", finance_tables=("t",))
    book = openpyxl.load_workbook(tmp_path / "exports" / WORKBOOK_NAME)
    ws = book["t"]
    [table] = ws.tables.values()
    names = [c.name for c in table.tableColumns]
    book.close()
    assert names == ["x y", "x y (2)", "X Y 2"]
    assert unique_headers(["a", "A", "a (2)", "a"]) == ["a", "A (2)", "a (2) (2)", "a (3)"]


def test_first_sentence_of_a_description():
    text = (
        'CLV per cell (docs/metrics.md "CLV and CAC"; see e.g. the seed. formula). Then more. '
        "And more."
    )
    assert first_sentence(text) == (
        'CLV per cell (docs/metrics.md "CLV and CAC"; see e.g. the seed. formula).'
    )
    assert first_sentence("One sentence without a period") == "One sentence without a period"
    assert first_sentence("Ends here.") == "Ends here."


def test_the_orientation_that_needs_fewest_pages_at_a_readable_scale():
    assert orientation(60, 10) == "portrait"  # one page either way
    assert orientation(100, 349) == "portrait"  # 9 pages, against 12 landscape
    assert orientation(120, 10) == "landscape"  # one page either way, larger text
    assert orientation(230, 174) == "landscape"  # too wide for either: the larger text


def test_long_text_wraps_in_its_cell_instead_of_widening_the_column(wb):
    ws = wb["clv_by_channel"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "clv formula")
    text = ws.cell(row, 2)
    assert text.value == "monthly_transactions x average_order_value"
    assert text.alignment.wrap_text
    assert ws.column_dimensions["B"].width < len(text.value) / 2  # a group's numbers' width
    assert ws.row_dimensions[row].height >= 3 * 15
