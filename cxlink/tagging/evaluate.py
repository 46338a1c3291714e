"""Evaluation of a tagger on labeled statements: per-topic precision / recall / F1, macro-F1,
sentiment accuracy and confusion, and the rules' and classifier's shares of the result."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cxlink.tagging.labeled import LabeledStatement
from cxlink.tagging.model import TaggerModel
from cxlink.tagging.schema import SENTIMENT_LABELS


@dataclass(frozen=True)
class TopicScore:
    topic_id: str
    support: int  # labeled statements with the topic
    predicted: int
    true_positives: int
    precision: float
    recall: float
    f1: float
    f1_rules_only: float
    f1_classifier_only: float


@dataclass(frozen=True)
class Evaluation:
    statements: int
    topics: tuple[TopicScore, ...]
    macro_f1: float
    micro_f1: float
    level1_macro_f1: float
    sentiment_accuracy: float
    sentiment_confusion: dict[str, dict[str, int]]  # truth -> predicted -> count
    sentiment_mean_score: dict[str, float]  # truth label -> mean score

    def as_dict(self) -> dict:
        return asdict(self)


def _prf(tp: int, predicted: int, support: int) -> tuple[float, float, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / support if support else 0.0
    f1 = 2 * tp / (predicted + support) if predicted + support else 0.0
    return precision, recall, f1


def evaluate(model: TaggerModel, statements: list[LabeledStatement]) -> Evaluation:
    """Scores on the given statements. Macro-F1 averages the topics that have labeled
    statements in this set (a topic nobody labeled cannot be scored)."""
    texts = [s.text for s in statements]
    tags = model.tag(texts)
    taxonomy = model.taxonomy
    predicted = [{t.topic_id for t in tag.topics} for tag in tags]
    by_rule = [{t.topic_id for t in tag.topics if t.source in ("rule", "both")} for tag in tags]
    by_clf = [
        {t.topic_id for t in tag.topics if t.source in ("classifier", "both")} for tag in tags
    ]
    truth = [set(s.topics) for s in statements]

    scores = []
    total_tp = total_pred = total_support = 0
    for topic in taxonomy.ids:
        support = sum(topic in t for t in truth)
        if not support:
            continue
        pred = sum(topic in p for p in predicted)
        tp = sum(topic in p and topic in t for p, t in zip(predicted, truth, strict=True))
        precision, recall, f1 = _prf(tp, pred, support)
        partial = []
        for source in (by_rule, by_clf):
            s_tp = sum(topic in p and topic in t for p, t in zip(source, truth, strict=True))
            partial.append(_prf(s_tp, sum(topic in p for p in source), support)[2])
        scores.append(
            TopicScore(
                topic, support, pred, tp, round(precision, 4), round(recall, 4), round(f1, 4),
                round(partial[0], 4), round(partial[1], 4),
            )
        )  # fmt: skip
        total_tp, total_pred, total_support = (
            total_tp + tp,
            total_pred + pred,
            total_support + support,
        )

    # Level-1 rollup (what the demo's topics and most dashboards use).
    level1 = sorted({taxonomy.level1(t) for t in taxonomy.ids})
    l1_f1 = []
    for top in level1:
        t_sets = [{taxonomy.level1(x) for x in t} for t in truth]
        p_sets = [{taxonomy.level1(x) for x in p} for p in predicted]
        support = sum(top in t for t in t_sets)
        if not support:
            continue
        pred = sum(top in p for p in p_sets)
        tp = sum(top in p and top in t for p, t in zip(p_sets, t_sets, strict=True))
        l1_f1.append(_prf(tp, pred, support)[2])

    confusion = {a: {b: 0 for b in SENTIMENT_LABELS} for a in SENTIMENT_LABELS}
    sums = {a: [0.0, 0] for a in SENTIMENT_LABELS}
    for s, tag in zip(statements, tags, strict=True):
        confusion[s.sentiment][tag.sentiment_label] += 1
        sums[s.sentiment][0] += tag.sentiment_score
        sums[s.sentiment][1] += 1
    correct = sum(confusion[a][a] for a in SENTIMENT_LABELS)
    macro = sum(s.f1 for s in scores) / len(scores) if scores else 0.0
    micro = _prf(total_tp, total_pred, total_support)[2]
    return Evaluation(
        statements=len(statements),
        topics=tuple(scores),
        macro_f1=round(macro, 4),
        micro_f1=round(micro, 4),
        level1_macro_f1=round(sum(l1_f1) / len(l1_f1), 4) if l1_f1 else 0.0,
        sentiment_accuracy=round(correct / len(statements), 4) if statements else 0.0,
        sentiment_confusion=confusion,
        sentiment_mean_score={
            a: round(total / n, 4) if n else 0.0 for a, (total, n) in sums.items()
        },
    )


def report_markdown(evaluation: Evaluation, version: str, title: str = "eval split") -> str:
    lines = [
        f"# Tagger {version}: evaluation on the {title} ({evaluation.statements} statements)",
        "",
        f"- topic macro-F1: **{evaluation.macro_f1:.3f}** (micro-F1 {evaluation.micro_f1:.3f}, "
        f"level-1 rollup macro-F1 {evaluation.level1_macro_f1:.3f})",
        f"- sentiment accuracy: **{evaluation.sentiment_accuracy:.3f}**",
        "",
        "| topic | support | predicted | precision | recall | F1 | F1 rules only | F1 classifier only |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in evaluation.topics:
        lines.append(
            f"| {s.topic_id} | {s.support} | {s.predicted} | {s.precision:.3f} | "
            f"{s.recall:.3f} | {s.f1:.3f} | {s.f1_rules_only:.3f} | {s.f1_classifier_only:.3f} |"
        )
    lines += ["", "Sentiment confusion (rows: labeled, columns: predicted):", ""]
    lines.append("| labeled | " + " | ".join(SENTIMENT_LABELS) + " | mean score |")
    lines.append("|---|" + "---:|" * (len(SENTIMENT_LABELS) + 1))
    for a in SENTIMENT_LABELS:
        row = " | ".join(str(evaluation.sentiment_confusion[a][b]) for b in SENTIMENT_LABELS)
        lines.append(f"| {a} | {row} | {evaluation.sentiment_mean_score[a]:+.3f} |")
    return "\n".join(lines) + "\n"
