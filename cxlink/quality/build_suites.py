"""Write ``expectations/<entity>.json`` from the landing contract.

The suites are plain GX 1.x expectation-suite JSON, committed and human-editable; this script
regenerates them so they never drift from ``cxlink/contract.py`` (a test compares the two).
Run: ``python -m cxlink.quality.build_suites``.
"""

from __future__ import annotations

import json
from pathlib import Path

from cxlink.contract import (
    ENTITIES,
    ISO_3166_ALPHA2,
    ISO_4217,
    PLAUSIBLE_DATE_MAX,
    PLAUSIBLE_DATE_MIN,
    Entity,
    unique_key,
)

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"


def _expect(kind: str, **kwargs) -> dict:
    return {"type": f"expect_{kind}", "kwargs": kwargs}


def suite_for(entity: Entity) -> dict:
    key = unique_key(entity)
    expectations = [
        _expect(
            "table_columns_to_match_set",
            column_set=[*entity.column_names, "_source_file", "_source_row"],
            exact_match=True,
        )
    ]
    if len(key) == 1:
        expectations.append(_expect("column_values_to_be_unique", column=key[0]))
    else:
        expectations.append(_expect("compound_columns_to_be_unique", column_list=list(key)))
    for column in entity.columns:
        if column.required or column.name in key:
            expectations.append(_expect("column_values_to_not_be_null", column=column.name))
        if column.allowed:
            expectations.append(
                _expect(
                    "column_values_to_be_in_set", column=column.name, value_set=list(column.allowed)
                )
            )
        if column.type == "currency":
            expectations.append(
                _expect(
                    "column_values_to_be_in_set", column=column.name, value_set=sorted(ISO_4217)
                )
            )
        if column.type == "country":
            expectations.append(
                _expect(
                    "column_values_to_be_in_set",
                    column=column.name,
                    value_set=sorted(ISO_3166_ALPHA2),
                )
            )
        if column.type in ("date", "timestamp"):
            expectations.append(
                _expect(
                    "column_values_to_be_between",
                    column=column.name,
                    # DuckDB dates arrive in pandas as timestamps: compare with timestamps.
                    min_value=f"{PLAUSIBLE_DATE_MIN}T00:00:00",
                    max_value=f"{PLAUSIBLE_DATE_MAX}T00:00:00",
                )
            )
    if entity.score_ranges:
        type_column, score_column, ranges = entity.score_ranges
        for survey_type, (low, high) in ranges.items():
            expectations.append(
                _expect(
                    "column_values_to_be_between",
                    column=score_column,
                    min_value=low,
                    max_value=high,
                    row_condition=f'{type_column}=="{survey_type}"',
                    condition_parser="pandas",
                )
            )
    if entity.name == "subscriptions":
        expectations.append(_expect("column_values_to_be_between", column="mrr", min_value=0))
        expectations.append(
            _expect(
                "column_pair_values_a_to_be_greater_than_b",
                column_A="period_end",
                column_B="period_start",
                ignore_row_if="either_value_is_missing",
            )
        )
    if entity.name == "fx_rates":
        expectations.append(
            _expect(
                "column_values_to_be_between",
                column="rate_to_reporting",
                min_value=0,
                strict_min=True,
            )
        )
    return {
        "name": f"raw_{entity.name}",
        "expectations": expectations,
        "meta": {"generated_from": "cxlink/contract.py"},
    }


def render(entity: Entity) -> str:
    return json.dumps(suite_for(entity), indent=2) + "\n"


def main() -> None:
    EXPECTATIONS_DIR.mkdir(exist_ok=True)
    for entity in ENTITIES.values():
        path = EXPECTATIONS_DIR / f"{entity.name}.json"
        path.write_text(render(entity), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
