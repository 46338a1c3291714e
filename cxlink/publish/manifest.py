"""What dbt's manifest says about the marts: which models they are, and their documentation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TableDocs:
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        """The column's description, matched case-insensitively; '' when undocumented."""
        if name in self.columns:
            return self.columns[name]
        lowered = {key.lower(): value for key, value in self.columns.items()}
        return lowered.get(name.lower(), "")


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
    """Table and column descriptions per model; empty when there is no manifest."""
    if manifest_path is None or not Path(manifest_path).exists():
        return {}
    docs = {}
    for node in _models(manifest_path, schema):
        columns = {
            name: ((column or {}).get("description") or "").strip()
            for name, column in (node.get("columns") or {}).items()
        }
        docs[node["name"]] = TableDocs((node.get("description") or "").strip(), columns)
    return docs
