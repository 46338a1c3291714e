"""What dbt's manifest says about the marts: which models they are, their documentation, and
each column's ``meta``: its ``unit`` (money, fraction, count, ...: docs/metrics.md "Conventions
shared by every mart") and whether it is ``additive`` (its sum over one period's rows is a true
total). The exports read them to format the workbook and to describe the Parquet columns."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The vocabulary of `meta.unit` (the shared contract of the marts' yml files).
UNITS = frozenset(
    {
        "dimension",
        "date",
        "month",
        "count",
        "money",
        "fraction",
        "nps_points",
        "months",
        "days",
        "ratio",
        "sentiment",
        "probability",
        "number",
        "flag",
        "text",
        "currency",
    }
)


@dataclass(frozen=True)
class TableDocs:
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # column -> meta.unit
    additive: frozenset[str] = frozenset()  # columns with meta.additive: true

    def column(self, name: str) -> str:
        """The column's description, matched case-insensitively; '' when undocumented."""
        return _lookup(self.columns, name) or ""

    def unit(self, name: str) -> str | None:
        """The column's ``meta.unit``, matched case-insensitively; None when it has none."""
        return _lookup(self.units, name)

    def is_additive(self, name: str) -> bool:
        return name.lower() in {c.lower() for c in self.additive}


def _lookup(values: Mapping[str, str], name: str) -> str | None:
    if name in values:
        return values[name]
    return {key.lower(): value for key, value in values.items()}.get(name.lower())


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


def column_meta(column: Mapping[str, Any]) -> dict[str, Any]:
    """A manifest column's meta: dbt 1.10+ keeps it under ``config.meta`` (``meta`` beside it
    is the older place; both are read, ``config`` winning)."""
    config = column.get("config") or {}
    return {**(column.get("meta") or {}), **(config.get("meta") or {})}


def mart_docs(manifest_path: Path | None, schema: str = "marts") -> dict[str, TableDocs]:
    """Table and column descriptions, units and additive flags per model; empty when there is
    no manifest. A unit outside ``UNITS`` is an error naming the model and the column."""
    if manifest_path is None or not Path(manifest_path).exists():
        return {}
    docs = {}
    for node in _models(manifest_path, schema):
        descriptions, units, additive = {}, {}, set()
        for name, column in (node.get("columns") or {}).items():
            column = column or {}
            descriptions[name] = (column.get("description") or "").strip()
            meta = column_meta(column)
            unit = meta.get("unit")
            if unit is not None:
                if unit not in UNITS:
                    raise ValueError(
                        f"model {node['name']}, column {name}: meta.unit {unit!r} is not one "
                        f"of {', '.join(sorted(UNITS))}; fix its yml entry"
                    )
                units[name] = unit
            if meta.get("additive") is True:
                additive.add(name)
        docs[node["name"]] = TableDocs(
            (node.get("description") or "").strip(), descriptions, units, frozenset(additive)
        )
    return docs
