"""The versioned model artifact: train, evaluate, write, find and load.

Version: ``tagger-<12 hex>``, a hash of the labeled statements, the taxonomy, the sentiment
lexicon, the trainer version and the scikit-learn version. The same inputs give the same version (and, training
being deterministic, the same predictions); editing the taxonomy or the labeled data gives a new
one. Artifacts live outside git and outside any data directory, in
``$CXLINK_TAGGER_MODELS_DIR/<version>/`` (default ``~/.cache/cxlink/models``): every data
directory of the user shares them, so a version is trained once, not once per data directory:

    model.joblib      the fitted model (scikit-learn objects; load with the same version)
    manifest.json     version, hashes, library versions, training counts, evaluation summary
    evaluation.json   the full evaluation on the eval split
    evaluation.md     the same as a readable report
    evaluation_short_texts.json/.md  the same on the second evaluation set, the short
                      real-style texts of assets/tagging/eval_short_texts.csv (short_eval.py)

``CXLINK_TAGGER_DIR`` points at one artifact directory instead (e.g. a model trained elsewhere);
it must exist. Without it, a missing artifact is trained on first use (a few seconds), exactly as
``make train-tagger`` does; so is one pickled by older code whose classes have since moved.
Training writes into a temporary folder beside the target and renames it into place, so two
processes training the same version at once both end with one complete artifact.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import sklearn

from cxlink.tagging.evaluate import Evaluation, evaluate, report_markdown
from cxlink.tagging.labeled import (
    DEFAULT_LABELED_PATH,
    LabeledData,
    LabeledStatement,
    load_labeled,
)
from cxlink.tagging.lexicon import DEFAULT_LEXICON_PATH, load_lexicon
from cxlink.tagging.model import TaggerModel
from cxlink.tagging.short_eval import check_disjoint, load_short_eval
from cxlink.tagging.taxonomy import DEFAULT_TAXONOMY_PATH, Taxonomy, load_taxonomy
from cxlink.tagging.trainer import TRAINER_VERSION, train_model

MODEL_FILE = "model.joblib"
SHORT_EVAL_TITLE = "short real-style texts"
MANIFEST_FILE = "manifest.json"
# A staging folder (".tagger-<version>.<random>") older than this was left by a killed
# training: training takes a minute at most, so a younger one may belong to another process.
STALE_STAGING_SECONDS = 3600


class ArtifactError(RuntimeError):
    """The tagger artifact is missing or unusable; the message says what to do."""


class StaleArtifactError(ArtifactError):
    """The pickle names a class or function this code no longer has where it was (moved)."""


@dataclass(frozen=True)
class TrainingInputs:
    labeled: LabeledData
    taxonomy: Taxonomy
    lexicon: dict[str, list[str]]
    lexicon_hash: str
    # the second evaluation set (short_eval.py): evaluated, never trained on; not part of the
    # version, since it changes no prediction
    short_eval: tuple[LabeledStatement, ...] = ()

    @property
    def version(self) -> str:
        return model_version(self)


def model_version(inputs: TrainingInputs) -> str:
    parts = [
        inputs.labeled.content_hash,
        inputs.taxonomy.content_hash,
        inputs.lexicon_hash,
        TRAINER_VERSION,
        sklearn.__version__,
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"tagger-{digest[:12]}"


def load_inputs(
    labeled_path: Path | None = None,
    taxonomy_path: Path | None = None,
    lexicon_path: Path | None = None,
) -> TrainingInputs:
    taxonomy = load_taxonomy(taxonomy_path or DEFAULT_TAXONOMY_PATH)
    labeled = load_labeled(labeled_path or DEFAULT_LABELED_PATH, taxonomy)
    lexicon, lexicon_hash = load_lexicon(lexicon_path or DEFAULT_LEXICON_PATH)
    short = load_short_eval(None, taxonomy)
    return TrainingInputs(labeled, taxonomy, lexicon, lexicon_hash, tuple(short))


def train_and_write(
    inputs: TrainingInputs, root: Path, replace: bool = True
) -> tuple[TaggerModel, Evaluation, Path, float]:
    """Train on the train split, evaluate on the eval split, write the artifact atomically.

    ``replace``: an artifact already at ``root/<version>`` is swapped for the new one (what
    ``make train-tagger`` asks for); otherwise one that appeared meanwhile (another process
    trained the same inputs) is kept and this one discarded."""
    # The short texts are evaluation only: refuse to train on any of them, or a near copy.
    check_disjoint(inputs.labeled.statements, list(inputs.short_eval))
    labeled, taxonomy = inputs.labeled, inputs.taxonomy
    version = model_version(inputs)
    started = time.perf_counter()
    model = train_model(labeled.split("train"), taxonomy, inputs.lexicon, version)
    seconds = time.perf_counter() - started
    evaluation = evaluate(model, labeled.split("eval"))
    short = evaluate(model, list(inputs.short_eval)) if inputs.short_eval else None
    manifest = {
        "version": version,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_seconds": round(seconds, 2),
        "trainer_version": TRAINER_VERSION,
        "scikit_learn": sklearn.__version__,
        "labeled_data": {
            "path": labeled.source,
            "sha256": labeled.content_hash,
            "train": len(labeled.split("train")),
            "eval": len(labeled.split("eval")),
        },
        "taxonomy": {"path": taxonomy.source, "sha256": taxonomy.content_hash},
        "sentiment_lexicon_sha256": inputs.lexicon_hash,
        "classifier_topics": list(model.classifier_topics),
        "rules_only_topics": list(model.rules_only_topics),
        "authoritative_rules": list(model.authoritative_rules),
        "thresholds": model.thresholds,
        "rule_precision": model.rule_precision,
        "evaluation": {
            "macro_f1": evaluation.macro_f1,
            "micro_f1": evaluation.micro_f1,
            "level1_macro_f1": evaluation.level1_macro_f1,
            "sentiment_accuracy": evaluation.sentiment_accuracy,
        },
    }
    if short is not None:
        manifest["evaluation_short_texts"] = {
            "statements": short.statements,
            "macro_f1": short.macro_f1,
            "micro_f1": short.micro_f1,
            "level1_macro_f1": short.level1_macro_f1,
            "sentiment_accuracy": short.sentiment_accuracy,
        }
    root.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(root)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=root))
    try:
        joblib.dump(model, staging / MODEL_FILE, compress=3)
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        (staging / "evaluation.json").write_text(json.dumps(evaluation.as_dict(), indent=2) + "\n")
        (staging / "evaluation.md").write_text(report_markdown(evaluation, version))
        if short is not None:
            (staging / "evaluation_short_texts.json").write_text(
                json.dumps(short.as_dict(), indent=2) + "\n"
            )
            (staging / "evaluation_short_texts.md").write_text(
                report_markdown(short, version, SHORT_EVAL_TITLE)
            )
        target = _publish(staging, root / version, replace)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return model, evaluation, target, seconds


def remove_stale_staging(root: Path, now: float | None = None) -> list[str]:
    """Delete the staging folders killed trainings left behind; their names."""
    now = time.time() if now is None else now
    removed = []
    for path in sorted(root.glob(".tagger-*")):
        if path.is_dir() and now - path.stat().st_mtime > STALE_STAGING_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def _publish(staging: Path, target: Path, replace: bool) -> Path:
    """Rename the finished ``staging`` folder to ``target``: readers never see a partial
    artifact. An existing target is moved aside first (``replace``) or kept."""
    aside = None
    if replace and target.exists():
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        with contextlib.suppress(FileNotFoundError):  # another process moved it meanwhile
            os.replace(target, aside / target.name)
    try:
        os.replace(staging, target)
    except OSError:
        # another process published the same version meanwhile (same inputs, same model)
        if not (target / MODEL_FILE).exists():
            raise
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
    return target


def artifact_version(directory: Path) -> str:
    """The version an artifact's manifest names, without loading the model."""
    try:
        return str(json.loads((directory / MANIFEST_FILE).read_text())["version"])
    except (OSError, ValueError, KeyError) as exc:
        raise ArtifactError(
            f"no tagger artifact in {directory} (expected {MODEL_FILE} and {MANIFEST_FILE}): "
            "run `make train-tagger`, or unset CXLINK_TAGGER_DIR to train one automatically"
        ) from exc


def current_version(tagger_dir: Path | None = None, inputs: TrainingInputs | None = None) -> str:
    """The version a run tags with, cheaply (no model is loaded or trained): the pinned
    artifact's (``tagger_dir``), else the hash of the current training inputs."""
    if tagger_dir:
        return artifact_version(tagger_dir)
    return (inputs or load_inputs()).version


def load_artifact(directory: Path) -> TaggerModel:
    manifest_path = directory / MANIFEST_FILE
    if not (directory / MODEL_FILE).exists() or not manifest_path.exists():
        raise ArtifactError(
            f"no tagger artifact in {directory} (expected {MODEL_FILE} and {MANIFEST_FILE}): "
            "run `make train-tagger`, or unset CXLINK_TAGGER_DIR to train one automatically"
        )
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("scikit_learn") != sklearn.__version__:
        raise ArtifactError(
            f"tagger artifact {directory} was trained with scikit-learn "
            f"{manifest.get('scikit_learn')}, this environment has {sklearn.__version__}: "
            "run `make train-tagger` to retrain it"
        )
    try:
        model = joblib.load(directory / MODEL_FILE)
    except (AttributeError, ImportError) as exc:
        raise StaleArtifactError(
            f"{directory / MODEL_FILE} was written by an older cxlink ({exc}): "
            "run `make train-tagger` to retrain it"
        ) from exc
    if not isinstance(model, TaggerModel) or model.version != manifest.get("version"):
        raise ArtifactError(f"{directory / MODEL_FILE} is not the model its manifest describes")
    return model


def ensure_model(
    models_dir: Path,
    tagger_dir: Path | None = None,
    labeled_path: Path | None = None,
    taxonomy_path: Path | None = None,
    inputs: TrainingInputs | None = None,
) -> tuple[TaggerModel, Path, bool]:
    """The tagger for the current labeled data and taxonomy: (model, its directory, trained now?).

    ``tagger_dir`` (setting CXLINK_TAGGER_DIR) names an artifact to use as it is. Otherwise the
    artifact of the current version under ``models_dir`` (setting CXLINK_TAGGER_MODELS_DIR) is
    loaded, or trained when missing. ``inputs``: already loaded training inputs.
    """
    if tagger_dir:
        return load_artifact(tagger_dir), tagger_dir, False
    inputs = inputs or load_inputs(labeled_path, taxonomy_path)
    directory = models_dir / inputs.version
    stale = False
    if (directory / MODEL_FILE).exists():
        try:
            return load_artifact(directory), directory, False
        except StaleArtifactError:
            stale = True  # same inputs, so retraining gives the same model, in classes we have
    model, _, directory, _ = train_and_write(inputs, models_dir, replace=stale)
    return model, directory, True
