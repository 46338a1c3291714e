"""The dbt docs read well: the project has an overview page, and no description loses characters
to the markdown renderer of `dbt docs` (the `marked` copy bundled in dbt-core's docs page).

That renderer turns any two single `*` into italics, even with spaces around them
(`100 * (p - d) / n * 2` loses both stars), `_x_` followed by a non-word character into italics
as well (it stops at every `_`, inside words too), and `<word>` into an HTML tag that vanishes.
Inside backticks nothing is touched, so formulas go in backticks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import prepare_dbt_manifest

CODE_SPAN = re.compile(r"`[^`]*`")
# marked's inline emphasis rules (its `em` regexes), applied where its text rule stops
STAR_EMPHASIS = re.compile(r"\*((?:\*\*|[^*])+?)\*(?!\*)")
UNDERSCORE_EMPHASIS = re.compile(r"_([^\s_](?:[^_]|__)+?[^\s_])_\b")
HTML_TAG = re.compile(r"</?[A-Za-z][^>\s]*[^>]*>")


def rendering_problems(description: str) -> list[str]:
    """What the docs renderer would eat in ``description`` (empty when it renders as written)."""
    text = CODE_SPAN.sub("", description).replace("**", "")  # **bold** is meant
    problems = []
    if match := STAR_EMPHASIS.search(text):
        problems.append(f"'*' pair becomes italics: {match.group(0)[:60]!r}")
    for position in (i for i, char in enumerate(text) if char == "_"):
        if match := UNDERSCORE_EMPHASIS.match(text, position):
            problems.append(f"'_' pair becomes italics: {match.group(0)[:60]!r}")
            break
    if match := HTML_TAG.search(text):
        problems.append(f"read as an HTML tag and hidden: {match.group(0)!r}")
    return problems


def test_the_checker_catches_what_marked_eats():
    assert rendering_problems("NPS = 100 * (p - d) / n * 2")
    assert rendering_problems("sum MRR_t / sum MRR_(t-12) and min(MRR_t, x)")
    assert rendering_problems("horizon_date_<k>m")
    assert not rendering_problems("`100 * (p - d) / n * 2`, **bold**, one * star")
    assert not rendering_problems("retention_ci_low_3m and nps_point_value_per_year")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(Path(prepare_dbt_manifest()).read_text())


def _descriptions(manifest: dict):
    for collection in ("nodes", "sources"):
        for unique_id, node in manifest[collection].items():
            if node["resource_type"] not in ("model", "source", "seed", "snapshot"):
                continue
            yield unique_id, node.get("description", "")
            for column, spec in node.get("columns", {}).items():
                yield f"{unique_id}.{column}", spec.get("description", "")
    for unique_id, doc in manifest.get("docs", {}).items():
        if doc.get("package_name") == "cxlink":
            yield unique_id, doc["block_contents"]


def test_every_description_renders_as_written(manifest: dict):
    broken = {
        where: problems
        for where, text in _descriptions(manifest)
        if (problems := rendering_problems(text))
    }
    assert broken == {}, "put formulas in backticks: " + json.dumps(broken, indent=1)


def test_the_overview_page_is_the_projects(manifest: dict):
    overview = manifest["docs"].get("doc.cxlink.__overview__")
    assert overview is not None, "dbt_project/models/overview.md defines {% docs __overview__ %}"
    text = overview["block_contents"]
    assert "cxlink_bi.duckdb" in text and "docs/metrics.md" in text
    # every mart the overview names exists, so the page cannot point at a renamed table
    marts = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    table_rows = "\n".join(line for line in text.splitlines() if line.startswith("| "))
    named = set(re.findall(r"`([a-z][a-z0-9_]+)`", table_rows))
    assert named and named <= marts, f"not marts: {sorted(named - marts)}"
