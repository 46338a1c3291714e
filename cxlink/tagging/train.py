"""`make train-tagger`: train the tagger, evaluate it on the eval split, write the artifact.

    python -m cxlink.tagging.train [--labeled P] [--taxonomy P] [--lexicon P] [--models-dir DIR]
                                   [--if-missing]

Prints the per-topic report on the eval split and on the second evaluation set (the short
real-style texts of assets/tagging/eval_short_texts.csv, never trained on: training stops when
a labeled statement repeats or nearly copies one), the short texts' ``short texts macro-F1``
and ``short texts sentiment accuracy``, then, last, ``macro-F1: X.XX`` and
``sentiment accuracy: X.XX`` of the eval split.
Exits 1 when the eval split misses the targets (topic macro-F1 >= 0.80, sentiment accuracy
>= 0.85), after writing the artifact and report so they can be inspected.

``--if-missing`` (what setup runs, to train ahead of the first pipeline run): train only when
the current version is not in the models directory yet, and print one line either way.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cxlink.settings import Settings
from cxlink.tagging.artifact import (
    SHORT_EVAL_TITLE,
    TrainingInputs,
    ensure_model,
    load_inputs,
    train_and_write,
)
from cxlink.tagging.evaluate import evaluate, report_markdown
from cxlink.tagging.labeled import LabeledDataError
from cxlink.tagging.lexicon import LexiconError
from cxlink.tagging.taxonomy import TaxonomyError

MACRO_F1_TARGET = 0.80
SENTIMENT_ACCURACY_TARGET = 0.85


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cxlink-train-tagger", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--labeled", type=Path, help="labeled statements CSV")
    parser.add_argument("--taxonomy", type=Path, help="taxonomy YAML")
    parser.add_argument("--lexicon", type=Path, help="sentiment lexicon YAML")
    parser.add_argument(
        "--models-dir",
        type=Path,
        help="where artifacts go (default $CXLINK_TAGGER_MODELS_DIR, ~/.cache/cxlink/models)",
    )
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="train only when the current version is not trained yet (one line of output)",
    )
    args = parser.parse_args(argv)
    try:
        inputs = load_inputs(args.labeled, args.taxonomy, args.lexicon)
    except (TaxonomyError, LabeledDataError, LexiconError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    root = args.models_dir or Settings.from_env().tagger_models_dir
    if args.if_missing:
        return train_if_missing(inputs, root)
    labeled = inputs.labeled
    model, evaluation, directory, seconds = train_and_write(inputs, root)
    print(report_markdown(evaluation, model.version))
    short = evaluate(model, list(inputs.short_eval)) if inputs.short_eval else None
    if short is not None:
        print(report_markdown(short, model.version, SHORT_EVAL_TITLE))
    print(
        f"trained {model.version} on {len(labeled.split('train'))} statements in {seconds:.1f} s; "
        f"evaluated on {evaluation.statements}; artifact and report: {directory}"
    )
    if model.rules_only_topics:
        print(f"rules only (too few labeled statements): {', '.join(model.rules_only_topics)}")
    missed = []
    if evaluation.macro_f1 < MACRO_F1_TARGET:
        missed.append(f"topic macro-F1 {evaluation.macro_f1:.3f} < {MACRO_F1_TARGET}")
    if evaluation.sentiment_accuracy < SENTIMENT_ACCURACY_TARGET:
        missed.append(
            f"sentiment accuracy {evaluation.sentiment_accuracy:.3f} < {SENTIMENT_ACCURACY_TARGET}"
        )
    if missed:
        print("below target: " + "; ".join(missed), file=sys.stderr)
    if short is not None:
        # reported, not a target: the set is small (165) and its floors are in the tests
        print(f"short texts macro-F1: {short.macro_f1:.2f}")
        print(f"short texts sentiment accuracy: {short.sentiment_accuracy:.2f}")
    print(f"macro-F1: {evaluation.macro_f1:.2f}")
    print(f"sentiment accuracy: {evaluation.sentiment_accuracy:.2f}")
    return 1 if missed else 0


def train_if_missing(inputs: TrainingInputs, root: Path) -> int:
    started = time.perf_counter()
    _, directory, trained = ensure_model(root, inputs=inputs)
    if trained:
        print(
            f"tagger {inputs.version} trained in {time.perf_counter() - started:.0f} s: {directory}"
        )
    else:
        print(f"tagger {inputs.version} already trained: {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
