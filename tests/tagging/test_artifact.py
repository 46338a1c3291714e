"""Artifacts on disk: one pickled by older code (a class or function since moved) is retrained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sklearn

from cxlink.tagging import artifact
from cxlink.tagging.artifact import (
    MANIFEST_FILE,
    MODEL_FILE,
    StaleArtifactError,
    ensure_model,
    load_artifact,
    load_inputs,
)

# A pickle of a function at a path this code no longer has (protocol 0: module, name, STOP).
STALE_PICKLE = b"ccxlink.tagging.model\nsentiment_text\n."


def _stale_artifact(models_dir: Path) -> Path:
    version = load_inputs().version
    directory = models_dir / version
    directory.mkdir(parents=True)
    (directory / MODEL_FILE).write_bytes(STALE_PICKLE)
    manifest = {"version": version, "scikit_learn": sklearn.__version__}
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest))
    return directory


def test_a_stale_artifact_is_reported_with_what_to_do(tmp_path: Path):
    directory = _stale_artifact(tmp_path)
    with pytest.raises(StaleArtifactError, match=r"older cxlink.*make train-tagger"):
        load_artifact(directory)


def test_a_stale_artifact_of_the_current_version_is_retrained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trained
):
    model, evaluation, _ = trained
    directory = _stale_artifact(tmp_path)
    roots = []

    def train_and_write(inputs, root):
        roots.append(root)
        return model, evaluation, directory, 0.0

    monkeypatch.setattr(artifact, "train_and_write", train_and_write)
    got, found, trained_now = ensure_model(tmp_path)
    assert roots == [tmp_path]
    assert got is model and found == directory and trained_now
