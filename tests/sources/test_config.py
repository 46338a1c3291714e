"""The sources file: read once at start, every mistake one sentence naming source and option."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlink.settings import Settings
from cxlink.sources.config import load_sources
from cxlink.sources.options import SourceConfigError, credential
from tests.sources.harness import write_sources


def load(tmp_path: Path, sources: list[dict]):
    return load_sources(write_sources(tmp_path, sources))


def test_no_sources_file_means_the_landing_contract(tmp_path: Path):
    config = load_sources(tmp_path / "sources.yml")
    assert config.path is None and config.sources == ()
    assert config.feeding("feedback") == []


def test_default_path_and_override():
    assert Settings(data_dir=Path("/d")).sources_path == Path("/d/sources.yml")
    settings = Settings.from_env({"CXLINK_DATA_DIR": "/d", "CXLINK_SOURCES": "/etc/cx.yml"})
    assert settings.sources_path == Path("/etc/cx.yml")


def test_a_valid_file(tmp_path: Path):
    config = load(
        tmp_path,
        [
            {"name": "qualtrics", "kind": "qualtrics_export", "entities": ["feedback"]},
            {
                "name": "stripe",
                "kind": "stripe",
                "entities": ["invoices", "subscriptions"],
                "api_key_env": "STRIPE_API_KEY",
            },
        ],
    )
    assert [s.name for s in config.sources] == ["qualtrics", "stripe"]
    # entities come back in extraction order, whatever order the file lists them in
    assert config.by_name("stripe").entities == ("subscriptions", "invoices")
    assert [s.name for s in config.feeding("invoices")] == ["stripe"]
    assert config.feeding("customers") == []
    assert config.by_name("stripe").options["api_key_env"] == "STRIPE_API_KEY"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"name": "s", "kind": "stripe", "entities": ["invoices"], "api_key": "sk_live_1"},
            "source s: unknown option(s) api_key; this kind accepts: ",
        ),
        (
            {"name": "s", "kind": "stripe", "entities": ["invoices"], "api_key_env": "sk live"},
            "source s: option api_key_env='sk live' is not allowed: use the name of an "
            "environment variable",
        ),
        ({"name": "s", "kind": "strip", "entities": ["invoices"]}, "kind 'strip' is unknown"),
        (
            {"name": "s", "kind": "stripe", "entities": ["feedback"]},
            "kind stripe cannot feed feedback",
        ),
        (
            {"name": "q", "kind": "qualtrics_export", "entities": ["feedback", "customers"]},
            "cannot feed customers",
        ),
        ({"name": "Stripe EU", "kind": "stripe", "entities": ["invoices"]}, "is not allowed"),
        (
            {"name": "feedback", "kind": "qualtrics_export", "entities": ["feedback"]},
            "is a contract entity's landing folder",
        ),
        ({"name": "s", "kind": "stripe", "entities": []}, "entities must be a non-empty list"),
    ],
)
def test_mistakes_name_the_source_and_the_option(tmp_path: Path, entry: dict, message: str):
    with pytest.raises(SourceConfigError) as error:
        load(tmp_path, [entry])
    assert message in str(error.value)
    assert str(tmp_path / "sources.yml") in str(error.value)


def test_names_are_unique(tmp_path: Path):
    entry = {"name": "q", "kind": "qualtrics_export", "entities": ["feedback"]}
    with pytest.raises(SourceConfigError, match="used twice: q"):
        load(tmp_path, [entry, entry])


def test_not_yaml_or_wrong_shape(tmp_path: Path):
    path = tmp_path / "sources.yml"
    path.write_text("sources: [unclosed\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="not valid YAML"):
        load_sources(path)
    path.write_text("source:\n  - name: x\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="unknown key"):
        load_sources(path)


def test_credentials_come_from_the_named_variable_only():
    assert credential("stripe", "api_key_env", "STRIPE_API_KEY", {"STRIPE_API_KEY": "k"}) == "k"
    with pytest.raises(SourceConfigError, match=r"STRIPE_API_KEY .* is not set: export"):
        credential("stripe", "api_key_env", "STRIPE_API_KEY", {})


def test_docs_list_every_kind_with_its_page():
    from cxlink.settings import PROJECT_ROOT
    from cxlink.sources.registry import KINDS

    index = (PROJECT_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    for name in KINDS:
        assert f"| `{name}` |" in index, name
    for page in (PROJECT_ROOT / "docs" / "sources").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        documented = [name for name in KINDS if f"`{name}`" in text]
        assert documented, f"{page.name} documents no kind"
    for name, kind in KINDS.items():
        pages = [p for p in (PROJECT_ROOT / "docs" / "sources").glob("*.md")]
        text = "\n".join(
            p.read_text(encoding="utf-8")
            for p in pages
            if name in p.stem or name.split("_")[0] in p.stem
        )
        missing = [o.name for o in kind.options if f"`{o.name}`" not in text]
        assert not missing, f"{name}: options not documented: {missing}"
