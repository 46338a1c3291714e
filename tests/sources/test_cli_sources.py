"""`cxlink run --full-reload [SOURCE]`: which sources reload, and a wrong name stops the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxlink.cli import _full_reload_config
from cxlink.settings import Settings
from cxlink.sources.options import SourceConfigError
from tests.sources.harness import write_sources

SOURCES = [
    {"name": "qualtrics", "kind": "qualtrics_export", "entities": ["feedback"]},
    {"name": "stripe", "kind": "stripe", "entities": ["subscriptions", "invoices"]},
]


def settings(tmp_path: Path) -> Settings:
    write_sources(tmp_path, SOURCES)
    return Settings(data_dir=tmp_path)


def test_no_flag_reloads_nothing(tmp_path: Path):
    assert _full_reload_config(settings(tmp_path), None) == {}


def test_the_flag_alone_reloads_every_source(tmp_path: Path):
    ops = _full_reload_config(settings(tmp_path), [])["ops"]
    # the op of asset source/<name> is source__<name>
    assert ops == {
        "source__qualtrics": {"config": {"full_reload": True}},
        "source__stripe": {"config": {"full_reload": True}},
    }


def test_named_sources_only(tmp_path: Path):
    assert list(_full_reload_config(settings(tmp_path), ["stripe"])["ops"]) == ["source__stripe"]


def test_an_unknown_name_is_one_sentence(tmp_path: Path):
    with pytest.raises(SourceConfigError, match=r"no source named strpe .*configured: qualtrics"):
        _full_reload_config(settings(tmp_path), ["strpe"])
