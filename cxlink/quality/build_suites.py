"""Write ``expectations/<entity>.json`` (great-expectations 1.x suites) from the landing contract.

The suites are plain GX expectation-suite JSON, committed and human-editable; this script
regenerates them from ``cxlink/contract.py`` so they never drift from it (a test compares the
committed files with the generated ones). Run: ``python -m cxlink.quality.build_suites``
(``--check`` only reports files that differ, and exits 1 if any do).

What a suite checks on ``raw.<entity>`` (each expectation carries ``meta.rule``, the name of the
extractor's quarantine rule it mirrors, where there is one):

- the table has exactly the contract columns plus ``_source_file`` and ``_source_row``;
- the key (``contract.unique_key``) is unique and never null;
- required columns are not null; enumerations, ISO 4217 currencies and ISO 3166-1 alpha-2
  countries are in their sets; dates and timestamps lie in the plausible window
  ``[PLAUSIBLE_DATE_MIN, PLAUSIBLE_DATE_MAX)``; money and integer columns have numeric dtypes;
- scores lie in the range of their survey type (one expectation per type, with a structured
  GX ``row_condition``);
- the contract's row rules (``Entity.row_rules``), each through the expectation in ``ROW_RULES``.

Not checked here: references between entities (``orphan_customer_id``): a suite sees one table;
the dbt ``relationships`` tests cover them.

Bounds are written the way GX 1.24 needs them on the pandas path: dates as
``YYYY-MM-DDT00:00:00`` (GX parses a bare ``YYYY-MM-DD`` into ``datetime.date``, which pandas
refuses to compare with the ``datetime64`` values DuckDB returns), and pandas nullable dtypes by
their class names (``Int32Dtype``: DuckDB returns ``Int32`` for an INTEGER column with nulls).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cxlink.contract import (
    ENTITIES,
    PLAUSIBLE_DATE_MAX,
    PLAUSIBLE_DATE_MIN,
    Entity,
    unique_key,
)
from cxlink.contract_signals import CSAT_RANGE
from cxlink.iso_codes import ISO_3166_ALPHA2, ISO_4217

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"

# Lineage columns the extractor adds to every raw table.
LINEAGE_COLUMNS: tuple[str, ...] = ("_source_file", "_source_row")

# pandas dtypes DuckDB returns for the contract's numeric types (DECIMAL(18, 4) -> float64;
# INTEGER -> int32, or the nullable Int32 when the column holds nulls).
INTEGER_DTYPES = ["int32", "Int32Dtype", "int64", "Int64Dtype"]
NUMERIC_DTYPES = ["float64", "Float64Dtype", *INTEGER_DTYPES]

Expectation = dict[str, Any]


def expectation(kind: str, rule: str | None = None, **kwargs: Any) -> Expectation:
    spec: Expectation = {"type": f"expect_{kind}", "kwargs": kwargs}
    if rule:
        spec["meta"] = {"rule": rule}
    return spec


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00"


def _equals(column: str, value: str) -> dict[str, Any]:
    """A GX 1.x structured row condition ``column == value`` in its JSON form."""
    return {"type": "comparison", "column": {"name": column}, "operator": "==", "parameter": value}


# Expectations for the contract's row rules: rule name -> expectation (or several, one per
# column the rule covers). A rule added to the contract without an entry here stops the build,
# so the suites cannot silently fall behind.
ROW_RULES: dict[str, Callable[[], Expectation | list[Expectation]]] = {
    "period_end_not_after_start": lambda: expectation(
        "column_pair_values_a_to_be_greater_than_b",
        rule="period_end_not_after_start",
        column_A="period_end",
        column_B="period_start",
        or_equal=False,
        ignore_row_if="either_value_is_missing",
    ),
    "negative_mrr": lambda: expectation(
        "column_values_to_be_between", rule="negative_mrr", column="mrr", min_value=0
    ),
    # No structured condition reaches the day of a date: this one uses GX's legacy pandas
    # condition string (deprecated since GX 1.9, still supported in 1.x). It selects the rows
    # whose month is not a first day, and expects there to be none (their month non-null).
    "month_not_first_day": lambda: expectation(
        "column_values_to_be_null",
        rule="month_not_first_day",
        column="month",
        row_condition="month.dt.day != 1",
        condition_parser="pandas",
    ),
    "non_positive_rate": lambda: expectation(
        "column_values_to_be_between",
        rule="non_positive_rate",
        column="rate_to_reporting",
        min_value=0,
        strict_min=True,
    ),
    "closed_before_opened": lambda: expectation(
        "column_pair_values_a_to_be_greater_than_b",
        rule="closed_before_opened",
        column_A="closed_at",
        column_B="opened_at",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    ),
    "csat_score_out_of_range": lambda: expectation(
        "column_values_to_be_between",
        rule="csat_score_out_of_range",
        column="csat_score",
        min_value=CSAT_RANGE[0],
        max_value=CSAT_RANGE[1],
    ),
    # as month_not_first_day: a pandas condition string selects the weeks that are not a Monday
    "week_not_monday": lambda: expectation(
        "column_values_to_be_null",
        rule="week_not_monday",
        column="week",
        row_condition="week.dt.dayofweek != 0",
        condition_parser="pandas",
    ),
    "negative_count": lambda: [
        expectation("column_values_to_be_between", rule="negative_count", column=c, min_value=0)
        for c in ("active_users", "seats", "key_events")
    ],
}


def suite_for(entity: Entity) -> dict[str, Any]:
    key = unique_key(entity)
    expectations: list[Expectation] = [
        expectation(
            "table_columns_to_match_set",
            column_set=[*entity.column_names, *LINEAGE_COLUMNS],
            exact_match=True,
        )
    ]
    if len(key) == 1:
        expectations.append(
            expectation("column_values_to_be_unique", rule="duplicate_key", column=key[0])
        )
    else:
        expectations.append(
            expectation(
                "compound_columns_to_be_unique", rule="duplicate_key", column_list=list(key)
            )
        )
    for column in entity.columns:
        name = column.name
        if column.required or name in key:
            expectations.append(
                expectation("column_values_to_not_be_null", rule="required_missing", column=name)
            )
        if column.allowed:
            expectations.append(
                expectation(
                    "column_values_to_be_in_set",
                    rule="unknown_enum",
                    column=name,
                    value_set=list(column.allowed),
                )
            )
        if column.type == "currency":
            expectations.append(
                expectation(
                    "column_values_to_be_in_set",
                    rule="unknown_currency",
                    column=name,
                    value_set=sorted(ISO_4217),
                )
            )
        if column.type == "country":
            expectations.append(
                expectation(
                    "column_values_to_be_in_set",
                    rule="unknown_country",
                    column=name,
                    value_set=sorted(ISO_3166_ALPHA2),
                )
            )
        if column.type in ("date", "timestamp"):
            expectations.append(
                expectation(
                    "column_values_to_be_between",
                    rule="implausible_date",
                    column=name,
                    min_value=_timestamp(PLAUSIBLE_DATE_MIN),
                    max_value=_timestamp(PLAUSIBLE_DATE_MAX),
                    strict_max=True,
                )
            )
        if column.type in ("decimal", "rate", "integer"):
            expectations.append(
                expectation(
                    "column_values_to_be_in_type_list",
                    rule="invalid_number",
                    column=name,
                    type_list=INTEGER_DTYPES if column.type == "integer" else NUMERIC_DTYPES,
                )
            )
    if entity.score_ranges:
        type_column, score_column, ranges = entity.score_ranges
        for survey_type, (low, high) in ranges.items():
            expectations.append(
                expectation(
                    "column_values_to_be_between",
                    rule="score_out_of_range",
                    column=score_column,
                    min_value=low,
                    max_value=high,
                    row_condition=_equals(type_column, survey_type),
                )
            )
    for rule, _condition in entity.row_rules:
        if rule not in ROW_RULES:
            raise KeyError(
                f"contract row rule {rule!r} of {entity.name} has no expectation: "
                "add one to ROW_RULES in cxlink/quality/build_suites.py"
            )
        spec = ROW_RULES[rule]()
        expectations.extend(spec if isinstance(spec, list) else [spec])
    for column in LINEAGE_COLUMNS:
        expectations.append(expectation("column_values_to_not_be_null", column=column))
    return {
        "name": f"raw_{entity.name}",
        "expectations": expectations,
        "meta": {
            "generated_from": "cxlink/contract.py",
            "regenerate": "python -m cxlink.quality.build_suites",
            "table": f"raw.{entity.name}",
        },
    }


def render(entity: Entity) -> str:
    return json.dumps(suite_for(entity), indent=2, ensure_ascii=False) + "\n"


def suite_file(entity_name: str) -> Path:
    return EXPECTATIONS_DIR / f"{entity_name}.json"


def stale_suites() -> list[str]:
    """Entities whose committed suite differs from the one the contract generates."""
    stale = []
    for entity in ENTITIES.values():
        path = suite_file(entity.name)
        if not path.exists() or path.read_text(encoding="utf-8") != render(entity):
            stale.append(entity.name)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report suites that differ from the contract"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_suites()
        for name in stale:
            print(f"{suite_file(name)} is out of date")
        return 1 if stale else 0
    EXPECTATIONS_DIR.mkdir(exist_ok=True)
    for entity in ENTITIES.values():
        path = suite_file(entity.name)
        path.write_text(render(entity), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
