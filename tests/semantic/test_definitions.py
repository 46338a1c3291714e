"""The semantic layer's definitions, read from dbt's manifest: every metric says its unit, is
documented in docs/semantic-layer.md, and every description renders as written in `dbt docs`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import prepare_dbt_manifest
from tests.test_dbt_docs_markdown import rendering_problems

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "semantic-layer.md"
# the units of the marts' columns (meta.unit), those a metric can have
UNITS = {"count", "money", "fraction", "nps_points", "months", "ratio"}
HEADLINE = {
    "nps",
    "nps_ci_low",
    "nps_ci_high",
    "logo_churn_rate",
    "logo_churn_ci_low",
    "logo_churn_ci_high",
    "mrr",
    "nrr_12m",
    "grr_12m",
    "cac",
    "clv",
    "clv_to_cac",
    "revenue_at_risk",
    "nps_point_value",
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(Path(prepare_dbt_manifest()).read_text())


def metrics(manifest: dict) -> dict[str, dict]:
    return {m["name"]: m for m in manifest["metrics"].values() if m["package_name"] == "cxlink"}


def test_the_headline_metrics_are_defined(manifest):
    assert HEADLINE - set(metrics(manifest)) == set()


def test_every_metric_has_a_unit_and_published_ones_say_they_are_not_additive(manifest):
    units = {name: m["config"]["meta"].get("unit") for name, m in metrics(manifest).items()}
    assert {name: unit for name, unit in units.items() if unit not in UNITS} == {}
    not_additive = {
        n for n, m in metrics(manifest).items() if m["config"]["meta"].get("additive") is False
    }
    assert {"clv", "clv_to_cac", "revenue_at_risk", "nps_point_value", "churn_gap"} <= not_additive
    # a published figure is read from a one-row-per-key mart with agg max, never summed
    measures = {
        measure["name"]: (model["node_relation"]["alias"], measure["agg"])
        for model in manifest["semantic_models"].values()
        for measure in model["measures"]
    }
    for name in not_additive:
        (measure,) = metrics(manifest)[name]["type_params"]["input_measures"]
        table, agg = measures[measure["name"]]
        assert table in {"clv_overall", "cx_revenue_linkage_total"}, (name, table)
        assert agg == "max", (name, agg)


def test_every_metric_and_saved_query_is_documented(manifest):
    documented = set(re.findall(r"`([a-z][a-z0-9_]*)`", DOC.read_text(encoding="utf-8")))
    saved = {q["name"] for q in manifest["saved_queries"].values()}
    assert (set(metrics(manifest)) | saved) - documented == set()


def test_every_semantic_description_renders_as_written(manifest):
    broken = {}
    for collection in ("semantic_models", "metrics", "saved_queries"):
        for unique_id, node in manifest[collection].items():
            texts = [(unique_id, node.get("description") or "")]
            for kind in ("measures", "dimensions", "entities"):
                texts += [
                    (f"{unique_id}.{e['name']}", e.get("description") or "")
                    for e in node.get(kind) or []
                ]
            broken |= {where: p for where, text in texts if (p := rendering_problems(text))}
    assert broken == {}, "put formulas in backticks: " + json.dumps(broken, indent=1)
