"""Text that a spreadsheet must never run as a formula (CSV or formula injection).

A mart's text (a segment, a channel, a topic name) comes from landed data. Excel, LibreOffice
and Google Sheets evaluate a CSV field that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some versions, with a tab or a carriage return after which such a character follows): a
segment named ``=HYPERLINK("http://...")`` would become a live link in finance's spreadsheet.
Following the OWASP "CSV Injection" guidance (and ASVS 1.2.10, which adds NUL), a text field
that starts with one of ``FORMULA_TRIGGERS`` gets a leading single quote ``'``, which the
spreadsheet shows as a text marker; the CSV writer also quotes every text field, so a
separator inside one never splits it. The workbook stores text as text cells, which are never
evaluated (see workbook.py); there the value keeps its characters.
"""

from __future__ import annotations

from cxlink.duckdb_sql import quote_identifier

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_text(text: str) -> str:
    """``text`` as a CSV field may hold it: a leading ``'`` when it starts like a formula."""
    return "'" + text if starts_like_formula(text) else text


def csv_text_sql(column: str, table_alias: str) -> str:
    """``csv_text`` as a DuckDB expression over a VARCHAR column."""
    ref = f"{table_alias}.{quote_identifier(column)}"
    triggers = ", ".join(f"chr({ord(c)})" for c in FORMULA_TRIGGERS)
    return f"case when left({ref}, 1) in ({triggers}) then '''' || {ref} else {ref} end"
