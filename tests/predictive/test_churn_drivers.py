"""Churn drivers (cxlink/predictive: churn_episodes, cox, churn_tables): the episodes of
hand-made customers, a Cox fit checkable by hand, the split-episode risk sets, recovery of known
hazard ratios from a seeded simulation, and the reasons a driver is not estimated."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cxlink.predictive.churn_episodes import churn_episodes, covariates, customer_spans
from cxlink.predictive.churn_tables import drivers_table
from cxlink.predictive.cox import fit_cox, screen
from tests.predictive.simulate import cox_customers

TOPICS = ["pricing", "support"]


def test_spans_and_episodes_known_answer():
    spells = pd.DataFrame(
        {
            "customer_id": ["A", "B", "B", "C", "D"],
            "segment": ["smb", "mid", "mid", "smb", "smb"],
            # B's second spell (a reactivation) is not counted; D starts after the as-of date
            "spell_start_date": [
                "2024-01-01",
                "2024-02-01",
                "2024-08-01",
                "2024-03-01",
                "2024-10-01",
            ],
            "spell_end_date": ["2024-07-01", "2024-05-01", None, "2024-12-31", None],
        }
    )
    spans = customer_spans(spells, "2024-09-30").set_index("customer_id")
    # A churns after 182 days (2024-01-01 .. 07-01); B after 90 (its first spell);
    # C's end is after the as-of date: censored at 2024-09-30, 213 days
    assert spans["duration"].to_dict() == {"A": 182, "B": 90, "C": 213}
    assert spans["churned"].to_dict() == {"A": 1, "B": 1, "C": 0}
    answers = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "B", "C", "C"],
            "response_id": ["a1", "a2", "a3", "a4", "b1", "c1", "c2"],
            "response_date": [
                "2024-03-01",  # A day 60: detractor, negative comment on support
                "2024-05-01",  # A day 121: promoter, no comment
                "2024-05-01",  # A day 121 again, later id: this one wins (passive)
                "2024-07-01",  # A day 182, the churn day: too late to predict it
                "2024-01-15",  # B before its start: B's state at day 0
                "2024-03-01",  # C on its start day: C's state at day 0
                "2024-10-05",  # C after the as-of date: ignored
            ],
            "nps_category": [
                "detractor", "promoter", "passive", "detractor", "passive", "promoter", "detractor",
            ],
            "mean_sentiment": [-0.5, None, 0.25, 0.0, 0.3, 0.9, -1.0],
            "has_tagged_comment": [True, False, True, True, True, True, True],
        }
    )  # fmt: skip
    topics = pd.DataFrame({"response_id": ["a1", "b1", "b1"], "topic_id": ["support"] * 2 + ["x"]})
    # a grid longer than every span: episodes start at the answers only
    got = churn_episodes(spans.reset_index(), answers, topics, TOPICS, grid_days=1000)
    got = got.set_index(["customer_id", "start"])
    assert [c.name for c in covariates(TOPICS)] == list(got.columns[3:])
    expect = {
        # (stop, event, detractor, passive, no_response, sentiment, no_comment, pricing, support,
        #  tickets_90d, usage_declining, no_usage_trend): no ticket or usage data here
        ("A", 0.0): (60, 0, 0, 0, 1, 0.0, 0, 0, 0, 0, 0, 1),
        ("A", 60.0): (121, 0, 1, 0, 0, -0.5, 0, 0, 1, 0, 0, 1),
        ("A", 121.0): (182, 1, 0, 1, 0, 0.25, 0, 0, 0, 0, 0, 1),
        ("B", 0.0): (90, 1, 0, 1, 0, 0.3, 0, 0, 1, 0, 0, 1),
        ("C", 0.0): (213, 0, 0, 0, 0, 0.9, 0, 0, 0, 0, 0, 1),
    }
    assert set(got.index) == set(expect)
    for key, values in expect.items():
        row = got.loc[key]
        assert tuple(row.iloc[1:].to_numpy(dtype=float)) == pytest.approx(values), key
        assert row["segment"] == {"A": "smb", "B": "mid", "C": "smb"}[key[0]]


def test_cox_fit_checkable_by_hand():
    # four customers churning on days 1, 2, 3, 4 with x = 1, 0, 1, 0 (no ties). With
    # theta = exp(beta) the risk sets give the score 2 - 2 theta / (theta + 1) - theta /
    # (theta + 2) = 0, i.e. theta^2 - theta - 4 = 0: theta = (1 + sqrt 17) / 2. Information:
    # sum over risk sets of m (1 - m), m = theta-weighted share with x = 1:
    # 2 theta / (theta + 1)^2 + 2 theta / (theta + 2)^2.
    episodes = pd.DataFrame(
        {"customer_id": list("abcd"), "start": 0.0, "stop": [1.0, 2, 3, 4], "event": 1,
         "x": [1.0, 0, 1, 0]}
    )  # fmt: skip
    fit = fit_cox(episodes, ["x"], min_events_per_covariate=1)
    beta, se, p = fit.estimates["x"]
    theta = (1 + math.sqrt(17)) / 2
    information = 2 * theta / (theta + 1) ** 2 + 2 * theta / (theta + 2) ** 2
    assert math.exp(beta) == pytest.approx(theta, rel=1e-6)
    assert se == pytest.approx(1 / math.sqrt(information), rel=1e-5)
    assert p == pytest.approx(math.erfc(abs(beta / se) / math.sqrt(2)), rel=1e-6)
    assert (fit.n_customers, fit.n_events) == (4, 4)


def test_splitting_an_episode_does_not_change_the_fit():
    # the same customers, each spell cut into two pieces at half its length: the risk sets and
    # so the fit are unchanged only if a piece is at risk on days start + 1 .. stop
    rng = np.random.default_rng(11)
    n = 2000
    x = rng.integers(0, 2, n).astype(float)
    stop = np.ceil(np.minimum(rng.exponential(80 / np.exp(0.6 * x)), rng.uniform(1, 150, n)))
    event = (rng.random(n) < 0.8).astype(int)
    whole = pd.DataFrame(
        {"customer_id": range(n), "start": 0.0, "stop": stop, "event": event, "x": x}
    )
    cut = np.floor(stop / 2)
    first = whole.assign(stop=cut, event=0)[cut > 0]
    second = whole.assign(start=cut)
    split = pd.concat([first, second], ignore_index=True)
    a = fit_cox(whole, ["x"], 10).estimates["x"]
    b = fit_cox(split, ["x"], 10).estimates["x"]
    assert b == pytest.approx(a, rel=1e-9)


TRUE_HR = {
    "no_nps_response": 1.0,
    "nps_passive": 1.6,
    "nps_detractor": 3.0,
    "topic:support": 1.5,
}


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(20240615)
    spells, answers, topics = cox_customers(rng, 6000, 1 / 700, TRUE_HR, follow_up_days=1000)
    spans = customer_spans(spells, spells.attrs["as_of"])
    return churn_episodes(spans, answers, topics, TOPICS)


def test_cox_recovers_simulated_hazard_ratios(simulated: pd.DataFrame):
    table = drivers_table(simulated, covariates(TOPICS), 10, 2.576).set_index(["scope", "driver"])
    overall = table.loc["overall"]
    for driver, true in TRUE_HR.items():
        row = overall.loc[driver]
        assert row["ci_low"] < true < row["ci_high"], (driver, row["hazard_ratio"])
        assert row["hazard_ratio"] == pytest.approx(true, rel=0.12), driver
    # sentiment and pricing have no effect: their 99% intervals cover 1
    for driver in ("comment_sentiment", "topic:pricing"):
        row = overall.loc[driver]
        assert pd.isna(row["hazard_ratio"]) or row["ci_low"] < 1 < row["ci_high"], driver
    # every answer had a comment and nobody mentioned pricing: dropped, with the reason
    assert overall.loc["no_comment", "null_reason"] == "no_variation"
    assert overall.loc["topic:pricing", "null_reason"] == "no_variation"
    assert overall.loc["nps_detractor", "p_value"] < 1e-6
    # each segment has its own model over its own customers
    segments = table.loc["segment"].reset_index().set_index(["segment", "driver"])
    per_segment = segments.groupby("segment")[["n_customers", "n_events"]].first()
    assert per_segment.index.tolist() == ["enterprise", "smb"]
    assert per_segment.sum().tolist() == [6000, overall["n_events"].iloc[0]]
    for segment in per_segment.index:
        row = segments.loc[(segment, "nps_detractor")]
        assert row["ci_low"] < TRUE_HR["nps_detractor"] < row["ci_high"], segment


def test_reasons_when_a_driver_cannot_be_estimated():
    episodes = pd.DataFrame(
        {
            "customer_id": list("abcdef"),
            "start": 0.0,
            "stop": [5.0, 6, 7, 8, 9, 10],
            "event": [1, 1, 0, 1, 0, 0],
            "constant": 1.0,
            "x": [1.0, 0, 1, 0, 0, 1],
            "same_as_x": [1.0, 0, 1, 0, 0, 1],
            "only_censored": [0.0, 0, 1, 0, 1, 0],  # its 1s never churn
        }
    )
    names = ["constant", "x", "same_as_x", "only_censored"]
    kept, reasons = screen(episodes, names)
    assert kept == ["x"]
    assert reasons == {
        "constant": "no_variation",
        "same_as_x": "collinear",
        "only_censored": "no_events_when_present",
    }
    # 3 churns for 1 covariate: below 10 per covariate
    fit = fit_cox(episodes, names, 10)
    assert fit.estimates == {} and fit.reasons["x"] == "too_few_events"
    assert fit_cox(episodes.iloc[:0], names, 10).reasons["x"] == "no_customers"
    # the table keeps every scope x driver row, with its reason
    full = episodes.assign(segment="smb", **{c.name: 0.0 for c in covariates(TOPICS)})
    full["nps_detractor"] = full["x"]
    table = drivers_table(full, covariates(TOPICS), 10, 1.96)
    assert len(table) == 2 * len(covariates(TOPICS)) and table["hazard_ratio"].isna().all()
    scopes = table[["scope", "segment"]].drop_duplicates().fillna("-")
    assert scopes.to_numpy().tolist() == [["overall", "-"], ["segment", "smb"]]
    reasons = table.groupby("driver")["null_reason"].first()
    assert reasons["nps_detractor"] == "too_few_events" and reasons["no_comment"] == "no_variation"
    assert (table["n_events"] == 3).all() and (table["n_customers"] == 6).all()


def test_ticket_and_usage_covariates_on_the_grid():
    # A subscribes on Monday 2024-01-01 and churns 200 days later; B's data must not leak into A
    spells = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "segment": "smb",
            "spell_start_date": ["2024-01-01", "2024-01-01"],
            "spell_end_date": ["2024-07-19", None],
        }
    )
    spans = customer_spans(spells, "2024-09-30")
    tickets = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "B", "B"],
            # days -12, 40, 40, 121 after A's start; B's two on days 10 and 100
            "opened_date": pd.to_datetime(
                ["2023-12-20", "2024-02-10", "2024-02-10", "2024-05-01", "2024-01-11", "2024-04-10"]
            ),
        }
    )
    # A's weeks k = 0 .. 27 (Mondays 2024-01-01 + 7k, complete on day 7k + 7): 10 active users
    # in weeks 0-11, 5 from week 12 on
    usage = pd.DataFrame(
        {
            "customer_id": "A",
            "week_start": pd.date_range("2024-01-01", periods=28, freq="7D"),
            "active_users": [10] * 12 + [5] * 16,
        }
    )
    empty_answers = pd.DataFrame(
        columns=["customer_id", "response_id", "response_date", "nps_category",
                 "mean_sentiment", "has_tagged_comment"]
    )  # fmt: skip
    empty_topics = pd.DataFrame(columns=["response_id", "topic_id"])
    got = churn_episodes(spans, empty_answers, empty_topics, [], tickets, usage, grid_days=28)
    a = got[got["customer_id"] == "A"].set_index("start")
    assert a.index.tolist() == [0, 28, 56, 84, 112, 140, 168, 196]
    assert a["stop"].tolist() == [28, 56, 84, 112, 140, 168, 196, 200]
    assert a["event"].tolist() == [0] * 7 + [1]
    # tickets opened in (s - 90, s]: s = 56 counts days -12, 40, 40; s = 84 no longer -12; ...
    assert a["tickets_90d"].tolist() == [1, 1, 3, 2, 2, 1, 1, 1]
    # recent = weeks complete in (s - 28, s], before = in (s - 84, s - 28]:
    # s = 0, 28: fewer than 4 weeks before -> no trend; s = 56: 4 + 4 weeks of 10, flat;
    # s = 112: 5 against 10 -> declining; s = 140: 5 against mean(10 x 4, 5 x 4) = 7.5,
    # 5 < 0.8 x 7.5 -> declining; s = 168, 196: 5 against 5, flat
    assert a["no_usage_trend"].tolist() == [1, 1, 0, 0, 0, 0, 0, 0]
    assert a["usage_declining"].tolist() == [0, 0, 0, 0, 1, 1, 0, 0]
    b = got[got["customer_id"] == "B"].set_index("start")
    assert b.loc[28, "tickets_90d"] == 1 and b.loc[112, "tickets_90d"] == 1  # days 10; 100
    assert (b["no_usage_trend"] == 1).all() and len(b) == 10  # 0, 28, .., 252 < 273 days


def test_a_diverging_coefficient_is_not_identified():
    # a churns on day 1 with x = 0 while nobody with x = 1 is at risk yet; from day 1 on, b, c
    # (x = 1) churn on days 2 and 3, each time the riskiest case at risk: the partial
    # likelihood keeps rising in beta (monotone likelihood), no finite maximum
    episodes = pd.DataFrame(
        {
            "customer_id": list("abcdef"),
            "start": [0.0, 1, 1, 1, 1, 1],
            "stop": [1.0, 2, 3, 5, 5, 5],
            "event": [1, 1, 1, 0, 0, 0],
            "x": [0.0, 1, 1, 1, 0, 0],
        }
    )
    fit = fit_cox(episodes, ["x"], min_events_per_covariate=1)
    assert fit.estimates == {} and fit.reasons == {"x": "not_identified"}
