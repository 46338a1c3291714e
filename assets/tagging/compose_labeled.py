"""Compose labeled_statements.csv from the hand-written statements and a templated supplement.

    .venv/bin/python assets/tagging/compose_labeled.py   # rewrites labeled_statements.csv

The CSV in git is the training data; this script documents how it was made and rebuilds it
byte for byte. Hand-written statements (handwritten_*.txt) are split train/eval by position:
every third statement of each section goes to eval, except in the TRAIN_ONLY files (written
after the split was fixed), which are all train and come last. Templated statements (topic nouns x
generic opinions, with negations; topic-specific subjects x ways of praising or criticising
them; the phrase banks are in statement_templates.yaml) go to train only, so the eval split is
hand-written text that the model has never seen in any form.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "labeled_statements.csv"
TEMPLATES = HERE / "statement_templates.yaml"
SENTIMENT = {"+": "positive", "0": "neutral", "-": "negative"}
EVAL_EVERY = 3
# Hand-written files written after the eval split was fixed: every statement goes to train, and
# they come last, so the ids and splits of all earlier statements stay as they were.
TRAIN_ONLY = ("handwritten_e.txt", "handwritten_f.txt")
SEED = 20261123
# Templated statements per topic: noun x opinion, and subject x topic predicate.
TEMPLATES_PER_TOPIC = 60
TOPIC_EXPRESSIONS_PER_TOPIC = 60
SENTIMENT_SHARE = (("positive", 0.42), ("negative", 0.42), ("neutral", 0.16))


def parse_handwritten(path: Path, train_only: bool = False) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    section = None
    position = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("##")):
            continue
        if line.startswith("## "):
            section, position = line[3:].strip(), 0
            continue
        m = re.match(r"^([+0-])\s+(?:\[(=?)([a-z_,]*)\]\s+)?(.+)$", line)
        if not m or section is None:
            raise ValueError(f"{path.name}:{number}: cannot parse {line!r}")
        sign, exact, listed, text = m.groups()
        extra = [t for t in (listed or "").split(",") if t]
        topics = extra if exact else ([] if section in ("none", "mixed") else [section]) + extra
        split = "eval" if position % EVAL_EVERY == EVAL_EVERY - 1 and not train_only else "train"
        position += 1
        rows.append(
            {
                "text": text,
                "topics": "|".join(dict.fromkeys(topics)),
                "sentiment": SENTIMENT[sign],
                "split": split,
                "origin": f"handwritten:{path.name}:{number}",
            }
        )
    return rows


def sentence(template: str, noun: str) -> str:
    text = template.replace("{N}", noun[0].upper() + noun[1:]).replace("{n}", noun)
    text = text[0].upper() + text[1:]
    return text + "."


def load_templates(path: Path = TEMPLATES) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def templated(rng: random.Random, templates: dict) -> list[dict[str, str]]:
    rows = []
    for topic, nouns in templates["nouns"].items():
        seen: set[str] = set()
        while len(seen) < TEMPLATES_PER_TOPIC:
            sentiment = rng.choices(
                [s for s, _ in SENTIMENT_SHARE], [w for _, w in SENTIMENT_SHARE]
            )[0]
            bank = templates["opinions"] if rng.random() < 0.5 else templates["expressions"]
            text = sentence(rng.choice(bank[sentiment]), rng.choice(nouns))
            if text in seen:
                continue
            seen.add(text)
            rows.append(
                {
                    "text": text,
                    "topics": topic,
                    "sentiment": sentiment,
                    "split": "train",
                    "origin": "template",
                }
            )
    return rows


def topic_expressions(rng: random.Random, templates: dict) -> list[dict[str, str]]:
    rows = []
    for topic, banks in templates["topic_expressions"].items():
        subjects, positive, negative = banks["subjects"], banks["positive"], banks["negative"]
        combos = [(subject, p, "positive") for subject in subjects for p in positive]
        combos += [(subject, n, "negative") for subject in subjects for n in negative]
        for subject, predicate, sentiment in rng.sample(combos, TOPIC_EXPRESSIONS_PER_TOPIC):
            text = f"{subject[0].upper()}{subject[1:]} {predicate}."
            rows.append(
                {
                    "text": text,
                    "topics": topic,
                    "sentiment": sentiment,
                    "split": "train",
                    "origin": "template",
                }
            )
    return rows


def compose(here: Path = HERE) -> list[dict[str, str]]:
    """The labeled statements, in id order (without ids)."""
    templates = load_templates(here / TEMPLATES.name)
    rows = []
    paths = sorted(here.glob("handwritten_*.txt"))
    for path in paths:
        if path.name not in TRAIN_ONLY:
            rows.extend(parse_handwritten(path))
    rng = random.Random(SEED)
    rows.extend(templated(rng, templates))
    rows.extend(topic_expressions(rng, templates))
    for path in paths:
        if path.name in TRAIN_ONLY:
            rows.extend(parse_handwritten(path, train_only=True))
    texts = [r["text"].lower() for r in rows]
    duplicates = {t for t in texts if texts.count(t) > 1}
    if duplicates:
        raise SystemExit(f"duplicate statements: {sorted(duplicates)}")
    return rows


def write_csv(rows: list[dict[str, str]], output: Path) -> None:
    with output.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["id", "text", "topics", "sentiment", "split", "origin"]
        )
        writer.writeheader()
        for i, row in enumerate(rows, start=1):
            writer.writerow({"id": f"s{i:04d}", **row})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = compose()
    write_csv(rows, args.output)
    n_eval = sum(r["split"] == "eval" for r in rows)
    print(f"wrote {len(rows)} statements ({n_eval} eval) to {args.output}")


if __name__ == "__main__":
    main()
