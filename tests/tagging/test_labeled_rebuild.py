"""The shipped labeled set rebuilds byte for byte from its sources (hand-written statements and
the phrase banks in assets/tagging/statement_templates.yaml): the trained tagger, and with it the
marts, depend on every byte of it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "tagging"


def _composer():
    spec = importlib.util.spec_from_file_location("compose_labeled", ASSETS / "compose_labeled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labeled_statements_rebuild_from_their_sources(tmp_path: Path):
    composer = _composer()
    rebuilt = tmp_path / "labeled_statements.csv"
    composer.write_csv(composer.compose(), rebuilt)
    assert rebuilt.read_bytes() == (ASSETS / "labeled_statements.csv").read_bytes()
