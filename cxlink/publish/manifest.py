"""What dbt's manifest says about the marts: which models they are, their documentation, and
each column's ``meta``: its ``unit`` and whether it is ``additive`` (its sum over one period's
rows is a true total). The BI copy takes the descriptions; the exports also format the workbook
by unit and describe the Parquet columns with both."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The unit of every mart column (`meta: {unit: ...}` in the dbt YAML; docs/metrics.md
# "Conventions shared by every mart"): how a number reads and how a workbook or BI tool formats it.
UNITS = frozenset(
    {
        "dimension",  # a value to group by
        "date",
        "month",  # the first day of a month
        "count",
        "money",  # in the reporting currency (the table's `currency` column)
        "fraction",  # 0-1, shown as %
        "nps_points",  # -100..100
        "months",  # a duration or exposure in months
        "days",
        "ratio",  # x, e.g. CLV / CAC
        "sentiment",  # -1..1
        "probability",  # a p- or q-value, a significance or false-discovery level
        "number",  # any other number (a z statistic, a coefficient)
        "flag",
        "text",
        "currency",  # an ISO 4217 code
    }
)


@dataclass(frozen=True)
class TableDocs:
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    # the table's dbt meta (`period`: the column to group by before summing an additive column)
    meta: dict[str, Any] = field(default_factory=dict)
    # each column's dbt meta: `unit` (one of UNITS) and `additive` (its sum over the rows of one
    # period is a true total)
    column_meta: dict[str, dict[str, Any]] = field(default_factory=dict)

    def unit(self, name: str) -> str | None:
        """The column's ``meta.unit``, matched case-insensitively; None when it has none."""
        return (_lookup(self.column_meta, name) or {}).get("unit")

    def is_additive(self, name: str) -> bool:
        return (_lookup(self.column_meta, name) or {}).get("additive") is True

    def additive_columns(self) -> list[str]:
        """The columns a BI tool may sum over the rows of one period, in table order."""
        return [name for name, meta in self.column_meta.items() if meta.get("additive") is True]

    def column(self, name: str) -> str:
        """The column's description, matched case-insensitively; '' when undocumented."""
        return _lookup(self.columns, name) or ""


def _lookup(values: Mapping[str, Any], name: str) -> Any:
    if name in values:
        return values[name]
    return {key.lower(): value for key, value in values.items()}.get(name.lower())


def read_column_meta(column: Mapping[str, Any]) -> dict[str, Any]:
    """A manifest column's meta: dbt 1.10+ keeps it under ``config.meta`` (``meta`` beside it
    is the older place); both are read, ``config`` winning."""
    config = column.get("config") or {}
    return {**(column.get("meta") or {}), **(config.get("meta") or {})}


def _models(manifest_path: Path, schema: str) -> list[dict[str, Any]]:
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    nodes = manifest.get("nodes", {}).values()
    return sorted(
        (n for n in nodes if n.get("resource_type") == "model" and n.get("schema") == schema),
        key=lambda n: n["name"],
    )


def mart_models(manifest_path: Path, schema: str = "marts") -> list[str]:
    """Names of the dbt models built into ``schema``, sorted."""
    return [node["name"] for node in _models(manifest_path, schema)]


def mart_docs(manifest_path: Path | None, schema: str = "marts") -> dict[str, TableDocs]:
    """Table and column descriptions and meta per model; empty when there is no manifest. A
    unit outside ``UNITS`` is an error naming the model and the column."""
    if manifest_path is None or not Path(manifest_path).exists():
        return {}
    docs = {}
    for node in _models(manifest_path, schema):
        node_columns = [
            (name, column or {}) for name, column in (node.get("columns") or {}).items()
        ]
        columns = {name: (column.get("description") or "").strip() for name, column in node_columns}
        column_meta = {name: read_column_meta(column) for name, column in node_columns}
        for name, meta in column_meta.items():
            if "unit" in meta and meta["unit"] not in UNITS:
                raise ValueError(
                    f"model {node['name']}, column {name}: meta.unit {meta['unit']!r} is not "
                    f"one of {', '.join(sorted(UNITS))}; fix its entry in the model's yml"
                )
        docs[node["name"]] = TableDocs(
            (node.get("description") or "").strip(),
            columns,
            dict(node.get("meta") or {}),
            column_meta,
        )
    return docs
