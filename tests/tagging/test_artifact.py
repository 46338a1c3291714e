"""Artifacts on disk: trained once per version into a shared models directory, published by
rename, and retrained when pickled by older code (a class or function since moved)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import pytest
import sklearn

from cxlink.settings import Settings
from cxlink.tagging import artifact
from cxlink.tagging.artifact import (
    MANIFEST_FILE,
    MODEL_FILE,
    StaleArtifactError,
    ensure_model,
    load_artifact,
    load_inputs,
)
from cxlink.tagging.train import main as train_main
from orchestration.resources import build_resources
from tests.tagging.test_asset import TRANSLATIONS, seed_translations, statement_tags

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

    def train_and_write(inputs, root, replace):
        roots.append(root)
        assert replace  # the stale artifact is swapped for the new one
        return model, evaluation, directory, 0.0

    monkeypatch.setattr(artifact, "train_and_write", train_and_write)
    got, found, trained_now = ensure_model(tmp_path)
    assert roots == [tmp_path]
    assert got is model and found == directory and trained_now


def test_the_models_dir_is_a_per_user_cache_shared_by_data_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for data_dir in ("one", "two"):
        settings = Settings.from_env({"CXLINK_DATA_DIR": str(tmp_path / data_dir)})
        assert settings.tagger_models_dir == tmp_path / "cache" / "cxlink" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert Settings().tagger_models_dir == Path.home() / ".cache" / "cxlink" / "models"
    pinned = Settings.from_env({"CXLINK_TAGGER_MODELS_DIR": str(tmp_path / "m")})
    assert pinned.tagger_models_dir == tmp_path / "m"


def test_a_second_data_dir_reuses_the_trained_tagger(tmp_path: Path, trained):
    """The pipeline on two new data directories: the version trained once (the session's, in
    its models directory) is loaded by both, not trained again."""
    model, _, directory = trained
    mtime = (directory / MODEL_FILE).stat().st_mtime_ns
    for name in ("first", "second"):
        data_dir = tmp_path / name
        data_dir.mkdir()
        seed_translations(data_dir / "warehouse.duckdb", TRANSLATIONS)
        settings = Settings.from_env(
            {"CXLINK_DATA_DIR": str(data_dir), "CXLINK_TAGGER_MODELS_DIR": str(directory.parent)}
        )
        result = dg.materialize([statement_tags], resources=build_resources(settings))
        meta = result.asset_materializations_for_node("text__statement_tags")[0].metadata
        assert meta["model_trained_this_run"].value is False
        assert meta["model_dir"].value == str(directory)
        assert meta["model_version"].value == model.version
    assert (directory / MODEL_FILE).stat().st_mtime_ns == mtime


def _artifact(path: Path, content: str) -> Path:
    path.mkdir(parents=True)
    (path / MODEL_FILE).write_text(content)
    return path


def test_publishing_keeps_a_version_another_process_wrote_or_replaces_it(tmp_path: Path):
    target = _artifact(tmp_path / "tagger-x", "theirs")
    kept = artifact._publish(_artifact(tmp_path / ".tagger-x.1", "mine"), target, replace=False)
    assert kept == target and (target / MODEL_FILE).read_text() == "theirs"
    artifact._publish(_artifact(tmp_path / ".tagger-x.2", "new"), target, replace=True)
    assert (target / MODEL_FILE).read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tagger-x.1", "tagger-x"]
    # a staging folder left by a killed training goes at the next training, a young one stays
    (tmp_path / ".tagger-x.3").mkdir()
    later = (tmp_path / ".tagger-x.1").stat().st_mtime + artifact.STALE_STAGING_SECONDS + 1
    os.utime(tmp_path / ".tagger-x.3", (later, later))
    assert artifact.remove_stale_staging(tmp_path, now=later) == [".tagger-x.1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tagger-x.3", "tagger-x"]


def test_train_if_missing_does_not_train_a_trained_version(trained, capsys):
    _, _, directory = trained
    mtime = (directory / MODEL_FILE).stat().st_mtime_ns
    assert train_main(["--if-missing", "--models-dir", str(directory.parent)]) == 0
    assert (
        capsys.readouterr().out.strip() == f"tagger {directory.name} already trained: {directory}"
    )
    assert (directory / MODEL_FILE).stat().st_mtime_ns == mtime
