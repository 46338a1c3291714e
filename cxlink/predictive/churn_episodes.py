"""Subscription customers' time to churn, split at every NPS answer into (start, stop] episodes
with the CX covariates of that time (docs/metrics.md "Predictive CLV and churn drivers").

- **Time origin** is the customer's first subscription start (the start of their first
  activity spell); **churn** is the end of that spell (the first day with no active
  subscription: a later reactivation starts a new spell, not counted). A spell still running
  on the as-of date, or ending after it, is censored at the as-of date. Time is in days.
- **Covariates** are those of the customer's latest NPS answer before the time (time-varying):
  an answer dated d days after the start describes the episodes from d on, so an answer given on
  the day of the churn does not predict it; answers on or before the start set the state at 0.
  Before any answer the customer is ``no_nps_response``. From the latest answer:
  ``nps_detractor`` and ``nps_passive`` (0/1, reference: promoter); ``comment_sentiment``, the
  mean statement sentiment of its comment (-1 .. 1; 0 without a tagged comment) with
  ``no_comment`` (answered without a tagged comment); and per top-level topic ``topic:<id>``,
  1 when its comment mentions the topic. Support tickets and product usage add
  ``tickets_90d``, ``usage_declining`` and ``no_usage_trend``, evaluated every ``grid_days``
  (``cxlink.predictive.churn_signals``).

Answers after the as-of date are ignored, as every mart does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlink.predictive.churn_signals import SIGNAL_COVARIATES, signal_covariates

NPS_COVARIATES = ("nps_detractor", "nps_passive", "no_nps_response")
COMMENT_COVARIATES = ("comment_sentiment", "no_comment")
TOPIC_PREFIX = "topic:"


@dataclass(frozen=True)
class Covariate:
    name: str  # the episodes' column and the mart's driver
    kind: str  # nps_category, sentiment, comment, topic
    reference: str  # what the hazard ratio compares with


def covariates(topic_ids: list[str]) -> list[Covariate]:
    return [
        Covariate("nps_detractor", "nps_category", "promoter"),
        Covariate("nps_passive", "nps_category", "promoter"),
        Covariate("no_nps_response", "nps_category", "promoter"),
        Covariate("comment_sentiment", "sentiment", "per +1 of mean comment sentiment"),
        Covariate("no_comment", "comment", "answer with a tagged comment"),
        *(
            Covariate(f"{TOPIC_PREFIX}{t}", "topic", "latest comment not mentioning it")
            for t in sorted(topic_ids)
        ),
        Covariate("tickets_90d", "tickets", "per support ticket opened in the last 90 days"),
        Covariate("usage_declining", "usage", "usage not declining"),
        Covariate("no_usage_trend", "usage", "usage not declining"),
    ]


def customer_spans(spells: pd.DataFrame, as_of) -> pd.DataFrame:
    """Per customer: segment, start date, duration (days to churn or to the as-of date) and
    churned (0/1), from the customer's first activity spell (customer_id, segment,
    spell_start_date, spell_end_date: null when ongoing). Spells starting after the as-of date
    are left out, and so are spans of 0 days."""
    as_of = pd.Timestamp(as_of)
    first = (
        spells.assign(start=pd.to_datetime(spells["spell_start_date"]))
        .sort_values(["customer_id", "start"], kind="stable")
        .drop_duplicates("customer_id")
    )
    first = first[first["start"] <= as_of]
    end = pd.to_datetime(first["spell_end_date"])
    churned = end.notna() & (end <= as_of)
    stop = end.where(churned, as_of)
    spans = pd.DataFrame(
        {
            "customer_id": first["customer_id"].astype(str).to_numpy(),
            "segment": first["segment"].to_numpy(),
            "start_date": first["start"].to_numpy(),
            "duration": (stop - first["start"]).dt.days.to_numpy(),
            "churned": churned.astype(int).to_numpy(),
        }
    )
    return spans[spans["duration"] > 0].reset_index(drop=True)


def _answer_covariates(answers: pd.DataFrame, topics: pd.DataFrame, topic_ids) -> pd.DataFrame:
    category = answers["nps_category"]
    tagged = answers["has_tagged_comment"].fillna(False).astype(bool)
    frame = pd.DataFrame(
        {
            "nps_detractor": (category == "detractor").astype(float),
            "nps_passive": (category == "passive").astype(float),
            "no_nps_response": 0.0,
            "comment_sentiment": answers["mean_sentiment"].where(tagged, 0.0).fillna(0.0),
            "no_comment": (~tagged).astype(float),
        },
        index=answers.index,
    )
    mentioned = topics.assign(hit=1.0).pivot_table(
        index="response_id", columns="topic_id", values="hit", aggfunc="max"
    )
    for topic in sorted(topic_ids):
        column = mentioned[topic] if topic in mentioned.columns else pd.Series(dtype=float)
        frame[f"{TOPIC_PREFIX}{topic}"] = answers["response_id"].map(column).fillna(0.0).to_numpy()
    return frame


def churn_episodes(
    spans: pd.DataFrame,
    answers: pd.DataFrame,
    topics: pd.DataFrame,
    topic_ids: list[str],
    tickets: pd.DataFrame | None = None,
    usage: pd.DataFrame | None = None,
    grid_days: int = 28,
) -> pd.DataFrame:
    """The (start, stop] episodes of every customer of ``spans`` (module docstring):
    customer_id, segment, start, stop (days), event (1 on a churn episode's last piece) and one
    column per covariate of ``covariates(topic_ids)``. A new episode starts at every NPS answer
    and every ``grid_days`` from the start (where the support and usage covariates are
    evaluated: ``cxlink.predictive.churn_signals``).

    ``answers``: NPS answers with customer_id, response_id, response_date, nps_category,
    mean_sentiment, has_tagged_comment; ``topics``: response_id, topic_id (the top-level topics
    each answer's comment mentions); ``tickets``: customer_id, opened_date; ``usage``:
    customer_id, week_start, active_users.
    """
    names = [c.name for c in covariates(topic_ids)]
    answers = answers.merge(spans[["customer_id", "start_date", "duration"]], on="customer_id")
    answers["day"] = (pd.to_datetime(answers["response_date"]) - answers["start_date"]).dt.days
    answers = answers[answers["day"] < answers["duration"]]
    answers = answers.sort_values(["customer_id", "day", "response_date", "response_id"])
    values = _answer_covariates(answers, topics, topic_ids)
    changes = pd.concat([answers[["customer_id", "day"]], values], axis=1)
    changes["day"] = changes["day"].clip(lower=0)
    # the latest answer of a day (and the latest on or before the start) wins
    changes = changes.drop_duplicates(["customer_id", "day"], keep="last")
    steps = np.arange(0, max(int(spans["duration"].max()), 1) if len(spans) else 1, grid_days)
    grid = spans[["customer_id", "duration"]].merge(pd.DataFrame({"day": steps}), how="cross")
    grid = grid[grid["day"] < grid["duration"]]
    pieces = (
        pd.concat([grid[["customer_id", "day"]], changes[["customer_id", "day"]]])
        .drop_duplicates()
        .sort_values(["day", "customer_id"], kind="stable")
    )
    state = pd.merge_asof(
        pieces, changes.sort_values("day"), on="day", by="customer_id", direction="backward"
    )
    answer_columns = list(values.columns)
    before_any = state["nps_detractor"].isna()
    state[answer_columns] = state[answer_columns].fillna(0.0)
    state["no_nps_response"] = before_any.astype(float)
    state = state.sort_values(["customer_id", "day"], kind="stable").reset_index(drop=True)
    signals = signal_covariates(state[["customer_id", "day"]], spans, tickets, usage)
    state = state.merge(spans[["customer_id", "segment", "duration", "churned"]], on="customer_id")
    following = state.groupby("customer_id")["day"].shift(-1)
    last = following.isna()
    episodes = pd.DataFrame(
        {
            "customer_id": state["customer_id"],
            "segment": state["segment"],
            "start": state["day"].astype(float),
            "stop": following.fillna(state["duration"]).astype(float),
            "event": np.where(last, state["churned"], 0).astype(int),
        }
    )
    for name in names:
        source = signals if name in SIGNAL_COVARIATES else state
        episodes[name] = source[name].astype(float).to_numpy()
    return episodes
