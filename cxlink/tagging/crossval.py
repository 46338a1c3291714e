"""Cross-validated figures on the training split: `python -m cxlink.tagging.crossval`.

The cautious estimate next to the eval split's (the lexicon, rules and earlier hyperparameters
were developed with the eval split in view). The hand-written training statements from the
files that also feed the eval split (every statement whose origin is not a template or a
train-only file) are held out five folds at a time; templated and train-only hand-written
statements (files e and f) always train. Prints topic macro-F1 and sentiment accuracy over the held-out
statements pooled, scored exactly as the eval split is (evaluate.evaluate).
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold

from cxlink.tagging.artifact import load_inputs
from cxlink.tagging.evaluate import evaluate
from cxlink.tagging.model import StatementTags
from cxlink.tagging.taxonomy import Taxonomy
from cxlink.tagging.trainer import train_model

TRAIN_ONLY_ORIGINS = (
    "template",
    "handwritten:handwritten_e.txt",
    "handwritten:handwritten_f.txt",
)


@dataclass
class _PooledTags:
    """Stands in for a model in evaluate(): the tags each statement got from its fold's model."""

    taxonomy: Taxonomy
    tags: dict[str, StatementTags]

    def tag(self, texts: list[str]) -> list[StatementTags]:
        return [self.tags[t] for t in texts]


def crossval(folds: int = 5, seed: int = 0):
    inputs = load_inputs()
    with open(inputs.labeled.source, encoding="utf-8", newline="") as fh:
        origin = {row["id"]: row.get("origin") or "" for row in csv.DictReader(fh)}
    train = inputs.labeled.split("train")
    always = [s for s in train if origin[s.id].startswith(TRAIN_ONLY_ORIGINS)]
    held_pool = [s for s in train if not origin[s.id].startswith(TRAIN_ONLY_ORIGINS)]
    labels = np.array([s.sentiment for s in held_pool])
    tags: dict[str, StatementTags] = {}
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fit, held in splitter.split(held_pool, labels):
        model = train_model(
            [held_pool[i] for i in fit] + always, inputs.taxonomy, inputs.lexicon, "crossval"
        )
        texts = [held_pool[i].text for i in held]
        tags.update(zip(texts, model.tag(texts), strict=True))
    return evaluate(_PooledTags(inputs.taxonomy, tags), held_pool)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = crossval(args.folds, args.seed)
    print(f"held-out hand-written training statements: {result.statements}")
    print(f"macro-F1: {result.macro_f1:.2f} ({result.macro_f1})")
    print(f"sentiment accuracy: {result.sentiment_accuracy:.2f} ({result.sentiment_accuracy})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
