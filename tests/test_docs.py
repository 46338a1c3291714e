"""The documentation stays navigable: README.md and docs/*.md link only to files and headings
that exist inside the repository, the README stays a front page, and every citation of a
`docs/metrics.md` section names a section that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
METRICS = ROOT / "docs" / "metrics.md"
README_MAX_LINES = 250

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"(?<!\\)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
BOLD = re.compile(r"\*\*(?P<term>[^*\n]+)\*\*")
EXTERNAL = ("http://", "https://", "mailto:")
# `docs/metrics.md "Section"`, also with escaped quotes (YAML) or a line break in between
METRICS_CITATION = re.compile(r"docs/metrics\.md`?\s+\\?\"(?P<section>[^\"\\]+)\\?\"")
CITING_FILES = ("*.py", "*.sql", "*.yml", "*.yaml", "*.md")
CITING_ROOTS = ("cxlink", "orchestration", "benchmarks", "tests", "dbt_project", "docs")


def prose(text: str) -> str:
    """The text without fenced code blocks and inline code, where brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(title: str) -> str:
    """GitHub's anchor for a heading: rendered text, lower case, punctuation dropped,
    spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link renders as its text
    text = text.replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for match in HEADING.finditer(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(match["title"])
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def links(path: Path) -> list[str]:
    targets = [m["target"] for m in LINK.finditer(prose(path.read_text(encoding="utf-8")))]
    return [t for t in targets if not t.startswith(EXTERNAL)]


def broken_links(path: Path) -> list[str]:
    problems = []
    for target in links(path):
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(ROOT)}: ({target})"
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{where} leaves the repository")
        elif not resolved.exists():
            problems.append(f"{where} does not exist")
        elif anchor:
            if resolved.suffix != ".md":
                problems.append(f"{where} has an anchor into a file that is not markdown")
            elif anchor not in anchors(resolved):
                problems.append(f"{where}: no heading with the anchor #{anchor}")
    return problems


def test_the_docs_are_there():
    names = {path.name for path in DOCS}
    assert {
        "README.md",
        "metrics.md",
        "operations.md",
        "translation.md",
        "tagging.md",
        "benchmarks.md",
        "design-decisions.md",
    } <= names


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(path: Path):
    assert broken_links(path) == []


def test_the_readme_is_a_front_page():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES


def test_the_docs_cite_the_projects_own_definitions():
    # domain.md lives outside the repository: a clone does not have it
    for path in DOCS:
        assert "domain.md" not in path.read_text(encoding="utf-8"), path


def metrics_sections() -> set[str]:
    text = FENCE.sub("", METRICS.read_text(encoding="utf-8"))
    titles = {m["title"] for m in HEADING.finditer(text)}
    # a defined term (a bold lead-in such as **Uncertainty of NPS.**) may be cited too
    terms = {m["term"].rstrip(".:") for m in BOLD.finditer(text)}
    return titles | terms


def citing_files() -> list[Path]:
    paths = [ROOT / "README.md"]
    for root in CITING_ROOTS:
        for pattern in CITING_FILES:
            paths.extend(
                p for p in (ROOT / root).rglob(pattern) if "target" not in p.parts and p.is_file()
            )
    # this file's own docstring and comments describe the pattern, they cite nothing
    return [p for p in paths if p != Path(__file__).resolve()]


def test_every_cited_metrics_section_exists():
    sections = metrics_sections()
    missing = []
    for path in citing_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in METRICS_CITATION.finditer(text):
            section = " ".join(match["section"].split())
            if section not in sections:
                missing.append(f"{path.relative_to(ROOT)}: {section!r}")
    assert missing == []


def test_the_sections_other_files_cite_by_name_are_h2_headings():
    h2 = {
        m["title"]
        for m in HEADING.finditer(FENCE.sub("", METRICS.read_text(encoding="utf-8")))
        if len(m.group(1)) == 2
    }
    assert {
        "Survey metrics",
        "Linking NPS to retention and revenue",
        "Subscription revenue (MRR) metrics",
        "CLV and CAC",
        "Text feedback",
        "CSAT and CES",
        "Transactional customers",
        "Customer health and closing the loop",
    } <= h2
