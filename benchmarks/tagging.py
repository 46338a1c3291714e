"""Tagging throughput: `python -m benchmarks.tagging [--statements N]` prints statements/s.

Splits and tags English demo-style comments with the current tagger (trained into a temporary
directory when no artifact exists), in one process, as the asset does.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from cxlink.settings import DataLayout
from cxlink.tagging.artifact import ensure_model
from cxlink.tagging.labeled import DEFAULT_LABELED_PATH, load_labeled
from cxlink.tagging.pipeline import CommentIn, tag_comments
from cxlink.tagging.taxonomy import load_taxonomy


def tagging_throughput(statements: int = 20000, data_dir: str | None = None) -> dict[str, float]:
    """Tag about `statements` statements; returns counts, seconds and statements per second."""
    with tempfile.TemporaryDirectory() as tmp:
        model, _, _ = ensure_model(DataLayout(Path(data_dir or tmp)).tagger_models_dir)
        taxonomy = load_taxonomy()
        texts = [s.text for s in load_labeled(DEFAULT_LABELED_PATH, taxonomy).statements]
        comments = []
        i = 0
        while len(comments) * 2 < statements:
            # two labeled statements per comment, joined as a customer would write them
            a, b = texts[i % len(texts)], texts[(i * 7 + 3) % len(texts)]
            comments.append(
                CommentIn(f"r{i}", date(2024, 1, 1), "already_english", f"{a} {b}", None)
            )
            i += 1
        started = time.perf_counter()
        _, _, stats = tag_comments(model, comments, datetime(2024, 1, 1))
        seconds = time.perf_counter() - started
    return {
        "comments": len(comments),
        "statements": stats.statements,
        "seconds": round(seconds, 3),
        "statements_per_second": round(stats.statements / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20000)
    args = parser.parse_args()
    result = tagging_throughput(args.statements)
    print(
        f"tagged {result['statements']} statements of {result['comments']} comments in "
        f"{result['seconds']} s: {result['statements_per_second']} statements/s"
    )


if __name__ == "__main__":
    main()
