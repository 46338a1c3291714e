"""marts.churn_drivers through the extractor and `dbt build` on a seeded design, against a Cox
fit of episodes written out by hand here (statsmodels' PHReg called directly).

240 subscribers, every one from 2023-01-01, as of 2024-06-30 (546 days): every 12th in enterprise
(20), the others in smb. 200 answer NPS once on 2023-03-01 (day 59), as promoter (score 10), passive (8) or
detractor (3); of those, two in three leave a comment of one statement (sentiment drawn in
[-1, 1], mentioning support half the time). The churn day is exponential with a rate by
category (before the answer: the promoter rate), ceiling to whole days; a subscription still
running on the as-of date has no end. No tickets or usage are delivered.

Hand episodes: (0, 59] without an answer and (59, stop] with the answer's covariates when the
customer is still a subscriber on day 59, else (0, stop] without one.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.hazard_regression import PHReg

from tests.warehouse import (
    Customer,
    Response,
    Statement,
    dbt_build,
    extract_landing,
    topic_landing_rows,
    write_landing,
    write_text_tables,
)

START = pd.Timestamp("2023-01-01")
AS_OF = pd.Timestamp("2024-06-30")
ANSWER_DAY = 59  # 2023-03-01
SCORES = {"promoter": 10, "passive": 8, "detractor": 3}
DAILY_RATE = {"promoter": 1 / 900, "passive": 1 / 600, "detractor": 1 / 250}


def design() -> tuple[list[Customer], list[Response], pd.DataFrame]:
    rng = np.random.default_rng(5)
    customers, responses, truth = [], [], []
    for i in range(240):
        cid = f"k{i:03d}"
        segment = "enterprise" if i % 12 == 0 else "smb"
        answers = i < 200
        category = rng.choice(list(SCORES)) if answers else "promoter"
        commented = answers and rng.random() < 2 / 3
        sentiment = round(float(rng.uniform(-1, 1)), 3)
        support = bool(rng.random() < 0.5)
        first = rng.exponential(1 / DAILY_RATE["promoter"])
        churn = (
            first if first <= ANSWER_DAY else ANSWER_DAY + rng.exponential(1 / DAILY_RATE[category])
        )
        day = math.ceil(churn)
        customers.append(Customer(cid, segment=segment))
        if answers:
            statements = [Statement(["support"] if support else [], sentiment)] if commented else []
            responses.append(
                Response(f"r-{cid}", cid, "2023-03-01T10:00:00", SCORES[category],
                         statements=statements)
            )  # fmt: skip
        truth.append(
            {
                "customer_id": cid,
                "segment": segment,
                "answered": answers,
                "category": category,
                "commented": commented,
                "sentiment": sentiment if commented else 0.0,
                "support": support and commented,
                "churn_day": day,
            }
        )
    return customers, responses, pd.DataFrame(truth)


def hand_episodes(truth: pd.DataFrame) -> pd.DataFrame:
    horizon = (AS_OF - START).days
    rows = []
    for t in truth.itertuples():
        churned = (START + pd.Timedelta(days=t.churn_day)) <= AS_OF
        stop = t.churn_day if churned else horizon
        base = {"customer_id": t.customer_id, "segment": t.segment}
        none = {"nps_detractor": 0, "nps_passive": 0, "no_nps_response": 1,
                "comment_sentiment": 0.0, "no_comment": 0, "topic:support": 0}  # fmt: skip
        if t.answered and stop > ANSWER_DAY:
            rows.append({**base, "start": 0, "stop": ANSWER_DAY, "event": 0, **none})
            answer = {
                "nps_detractor": int(t.category == "detractor"),
                "nps_passive": int(t.category == "passive"),
                "no_nps_response": 0,
                "comment_sentiment": t.sentiment,
                "no_comment": int(not t.commented),
                "topic:support": int(t.support),
            }
            rows.append(
                {**base, "start": ANSWER_DAY, "stop": stop, "event": int(churned), **answer}
            )
        else:
            rows.append({**base, "start": 0, "stop": stop, "event": int(churned), **none})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path):
    customers, responses, truth = design()
    rows = topic_landing_rows(customers, responses)
    for subscription, t in zip(rows["subscriptions"], truth.itertuples(), strict=True):
        end = START + pd.Timedelta(days=t.churn_day)
        subscription["period_start"] = START.strftime("%Y-%m-%d")
        subscription["period_end"] = end.strftime("%Y-%m-%d") if end <= AS_OF else ""
    data_dir = tmp_path_factory.mktemp("churn_drivers")
    write_landing(data_dir / "landing", rows)
    extract_landing(data_dir)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        write_text_tables(con, responses)
    finally:
        con.close()
    dbt_build(data_dir, "+churn_drivers", env={"CXLINK_AS_OF_DATE": AS_OF.strftime("%Y-%m-%d")})
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        mart = con.execute("select * from marts.churn_drivers").df()
    finally:
        con.close()
    return mart, truth


def cox_by_hand(episodes: pd.DataFrame, names: list[str]):
    result = PHReg(
        episodes["stop"].to_numpy(float),
        episodes[names].to_numpy(float),
        status=episodes["event"].to_numpy(float),
        entry=episodes["start"].to_numpy(float) + 0.5,  # at risk on days start + 1 .. stop
        ties="efron",
    ).fit()
    return dict(zip(names, zip(result.params, result.bse, strict=True), strict=True))


def test_overall_and_segment_hazard_ratios_equal_the_hand_fit(warehouse):
    mart, truth = warehouse
    episodes = hand_episodes(truth)
    for scope, segment, mine in (
        ("overall", None, episodes),
        ("segment", "smb", episodes[episodes["segment"] == "smb"]),
    ):
        rows = mart[(mart["scope"] == scope) & (mart["segment"].fillna("-") == (segment or "-"))]
        rows = rows.set_index("driver")
        estimated = rows.index[rows["hazard_ratio"].notna()].tolist()
        assert estimated == [
            "nps_detractor", "nps_passive", "no_nps_response", "comment_sentiment", "no_comment",
            "topic:support",
        ], scope  # fmt: skip
        expected = cox_by_hand(mine, estimated)
        for driver, (beta, se) in expected.items():
            row = rows.loc[driver]
            assert row["hazard_ratio"] == pytest.approx(math.exp(beta), rel=1e-6), driver
            assert row["ci_low"] == pytest.approx(math.exp(beta - 1.96 * se), rel=1e-6)
            assert row["ci_high"] == pytest.approx(math.exp(beta + 1.96 * se), rel=1e-6)
            assert row["p_value"] == pytest.approx(math.erfc(abs(beta / se) / math.sqrt(2)))
        assert rows["n_customers"].iloc[0] == mine["customer_id"].nunique()
        assert rows["n_events"].iloc[0] == mine["event"].sum()
        assert (rows["covariates"] == 6).all()
        # the other topics, the tickets and the usage have no variation here
        assert rows.loc["topic:product", "null_reason"] == "no_variation"
        assert rows.loc["tickets_90d", "null_reason"] == "no_variation"
        assert rows.loc["usage_declining", "null_reason"] == "no_variation"
    # the planted order: detractors churn fastest
    overall = mart[mart["scope"] == "overall"].set_index("driver")
    assert overall.loc["nps_detractor", "hazard_ratio"] > overall.loc["nps_passive", "hazard_ratio"]
    assert overall.loc["nps_detractor", "ci_low"] > 1


def test_a_small_segment_says_why_it_is_not_estimated(warehouse):
    mart, truth = warehouse
    enterprise = mart[mart["segment"] == "enterprise"]
    events = hand_episodes(truth).query("segment == 'enterprise'")["event"].sum()
    # 20 customers, fewer than 10 churns per covariate
    assert events < 10 * 6 and (enterprise["n_events"] == events).all()
    assert enterprise["hazard_ratio"].isna().all()
    assert set(enterprise["null_reason"]) <= {
        "too_few_events",
        "no_variation",
        "no_events_when_present",
        "collinear",
    }
    assert (enterprise["null_reason"] == "too_few_events").any()
    assert (enterprise["n_customers"] == 20).all()
