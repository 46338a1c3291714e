"""The demo's support tickets and product usage (issue 15), read back from the landing files
with pandas, independently of the generator's code: contract-valid, and with the planted effects
(usage falls before a churn; tickets burst before a detractor's NPS response) recoverable.

The default demo (5000 customers, seed 42: what `make demo` and the pipeline tests use) takes
about a second to generate.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from cxlink.contract import ENTITIES
from cxlink.demo import generate
from cxlink.demo import parameters as p

AS_OF = pd.Timestamp("2026-10-31")
REFERENCE_ONGOING = AS_OF + pd.Timedelta(days=1)

# sha256 of the files the demo wrote before tickets and usage were added (400 customers in
# chunks of 150, seed 42): the new inputs draw from random streams of their own, so every
# earlier file stays byte-identical. Update these only when the demo is meant to change.
FILES_BEFORE_ISSUE_15 = {
    "customers/customers.csv": "b12e243a49dd8369f4ec1678cd3e586cd2aa8293d95b2000b1edb253c8d161a6",
    "customers/zz_dirty.csv": "5a3a3f596be78091e4a09ef2a887c3f56772339891ff0da92ca32050d1ce8adc",
    "feedback/legacy_export.csv": "6b604c1d30d24212ae67129b628ca2e0a6b890375928ddacb49c6c9329f10d48",
    "feedback/responses.jsonl": "6709d46f254297919158820549589467382dde27483d7e7de07aaeb9acbc5ca4",
    "feedback/zz_dirty.csv": "52080242ac6c198725279da27ae277f8566dc665c7fc97e6af0386106c1ed20f",
    "fx_rates/fx_rates.csv": "2d3b6f84eb5291116b8b00537b93c65b7354416b61a7ed3f45f3329961eb21cf",
    "invoices/invoices.parquet": "21f8dc53cee1866fd46eb18e0abf3623321a2bd2295221efd50b72fafc366b20",
    "invoices/zz_dirty.csv": "27fa88b37c913a99609cfadeb0285b388862ef832b51e9756b8518266f00610e",
    "marketing_spend/marketing_spend.csv": (
        "7bc54570dd2c52179b5d683b73af81d1103c7935cc5b2b03caebb533e0a25330"
    ),
    "marketing_spend/zz_dirty.csv": (
        "647e9cebf26d5be75068f45c149b949a542277fddbd8f7fd83cb5738a0478db5"
    ),
    "service_costs/service_costs.csv": (
        "2b2e1a5d666fcb34121ebdee9c04fefcd6b9c453551e356e20d8f513553a08fc"
    ),
    "service_costs/zz_dirty.csv": "9268747e0e69300ba3ac086ff108642712854be8a27319d2132e7514e9fd7db6",
    "subscriptions/subscriptions.csv": (
        "08a2ff12b86fa267c70b074489a0cf23341710eb0e096e2a639ffcfcec652f45"
    ),
    "subscriptions/zz_dirty.csv": "270913f23073cc6e9ec331dd434010aa2b36b0e5da5b67de0f349c008ece9339",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_earlier_files_are_byte_identical_to_before_the_new_inputs(tmp_path: Path):
    landing = tmp_path / "landing"
    generate(landing, customers=400, seed=42, chunk_size=150)
    assert {name: sha256(landing / name) for name in FILES_BEFORE_ISSUE_15} == FILES_BEFORE_ISSUE_15
    assert (landing / "support_tickets" / "tickets.csv").exists()
    assert (landing / "product_usage" / "usage_weeks.parquet").exists()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    landing = tmp_path_factory.mktemp("signals") / "landing"
    report = generate(landing, customers=5000, seed=42)
    truth = json.loads((landing / "ground_truth.json").read_text(encoding="utf-8"))
    tickets = pd.read_csv(
        landing / "support_tickets" / "tickets.csv", dtype=str, keep_default_na=False
    )
    tickets["opened_at"] = pd.to_datetime(tickets["opened_at"])
    tickets["closed_at"] = pd.to_datetime(tickets["closed_at"].replace("", None))
    usage = pd.read_parquet(landing / "product_usage" / "usage_weeks.parquet")
    usage["week"] = pd.to_datetime(usage["week"])
    subs = pd.read_csv(
        landing / "subscriptions" / "subscriptions.csv", dtype=str, keep_default_na=False
    )
    feedback = pd.concat(
        [
            pd.read_json(landing / "feedback" / "responses.jsonl", lines=True, dtype=False),
            pd.read_csv(landing / "feedback" / "legacy_export.csv", dtype=str),
        ]
    )
    return report, truth, tickets, usage, subs, feedback


def episodes(subs: pd.DataFrame) -> pd.DataFrame:
    """One row per subscription episode (signup or reactivation up to churn) from the periods:
    subscription ids are SUB<customer>-<episode>[A], an add-on never outlives its episode."""
    subs = subs.assign(
        episode=subs["subscription_id"].str.rstrip("A"),
        period_start=pd.to_datetime(subs["period_start"]),
        period_end=pd.to_datetime(subs["period_end"].replace("", None)),
    )
    grouped = subs.groupby("episode")
    out = pd.DataFrame(
        {
            "customer_id": grouped["customer_id"].first(),
            "start": grouped["period_start"].min(),
            "ongoing": grouped["period_end"].apply(lambda s: s.isna().any()),
            "last_end": grouped["period_end"].max(),
        }
    )
    out["reference"] = out["last_end"].where(~out["ongoing"], REFERENCE_ONGOING)
    return out.reset_index()


def usage_with_episodes(usage: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    both = usage.merge(episodes(subs), on="customer_id")
    return both[(both["week"] >= both["start"]) & (both["week"] < both["reference"])]


def test_usage_rows_follow_the_contract_and_the_subscriptions(demo):
    report, truth, _, usage, subs, _ = demo
    assert (
        len(usage) == report["rows"]["product_usage"] == truth["realized"]["rows"]["product_usage"]
    )
    assert list(usage.columns) == ENTITIES["product_usage"].column_names
    assert (usage["week"].dt.dayofweek == 0).all()  # Mondays
    assert (usage["week"] + pd.Timedelta(days=6) <= AS_OF).all()  # complete weeks only
    assert not usage.duplicated(["customer_id", "week"]).any()
    assert (usage[["active_users", "key_events"]] >= 0).all().all()
    assert (usage["active_users"] <= usage["seats"].fillna(10**9)).all()
    assert 0.80 < usage["seats"].notna().mean() < 0.90  # USAGE_SEATS_REPORTED_SHARE 0.85
    # every week lies in exactly one subscription episode of its customer
    assert len(usage_with_episodes(usage, subs)) == len(usage)
    # size: one row per subscriber-week; about 393k rows for the default demo
    assert 350_000 < len(usage) < 450_000


def window_sums(rows: pd.DataFrame, low: int, high: int) -> dict:
    days = (rows["reference"] - rows["week"]).dt.days
    at = rows[(days >= low) & (days <= high)]
    seated = at[at["seats"].notna()]
    weeks = len(at)
    return {
        "weeks": weeks,
        "mean_active_users": round(at["active_users"].sum() / weeks, 6),
        "mean_key_events": round(at["key_events"].sum() / weeks, 6),
        "seat_utilisation": round(seated["active_users"].sum() / seated["seats"].sum(), 6),
    }


def test_usage_falls_in_the_three_months_before_a_churn(demo):
    """Weeks 1-91 days before the churn (recent) vs 183-365 days before (earlier), for episodes
    of at least 400 days. Planted: expected active users fall linearly to 0.4x over the last 91
    days, so recent / earlier seat utilisation = mean(0.4 + 0.6 d / 91, d = 1..91) = 0.7033.
    Active users fall a little less (the renewals in between add seats). Accounts still active
    stay level or grow; churners used fewer of their seats already before the decline."""
    _, truth, _, usage, subs, _ = demo
    rows = usage_with_episodes(usage, subs)
    rows = rows[(rows["reference"] - rows["start"]).dt.days >= 400]
    realized = truth["product_usage"]["realized"]
    figures = {}
    for group, member in (("churned", ~rows["ongoing"]), ("ongoing", rows["ongoing"])):
        figures[group] = {
            "recent": window_sums(rows[member], 1, 91),
            "earlier": window_sums(rows[member], 183, 365),
        }
    assert figures == realized["windows"]  # the landing files give the ground truth's figures

    churned, ongoing = figures["churned"], figures["ongoing"]
    planted = truth["product_usage"]["planted_recent_vs_earlier_ratio"]
    assert planted == pytest.approx(0.703297)
    utilisation = churned["recent"]["seat_utilisation"] / churned["earlier"]["seat_utilisation"]
    assert utilisation == pytest.approx(planted, abs=0.03)  # 0.705 on the default demo
    for measure in ("mean_active_users", "mean_key_events"):
        assert 0.65 < churned["recent"][measure] / churned["earlier"][measure] < 0.80, measure
        assert 0.97 < ongoing["recent"][measure] / ongoing["earlier"][measure] < 1.15, measure
    assert ongoing["recent"]["seat_utilisation"] == pytest.approx(
        ongoing["earlier"]["seat_utilisation"], abs=0.02
    )
    # detractors (utilisation 0.50) churn most: churners' earlier utilisation is below the rest
    assert churned["earlier"]["seat_utilisation"] < ongoing["earlier"]["seat_utilisation"] - 0.03


def test_tickets_follow_the_contract(demo):
    report, truth, tickets, _, subs, _ = demo
    assert len(tickets) == report["rows"]["support_tickets"]
    assert list(tickets.columns) == ENTITIES["support_tickets"].column_names
    assert tickets["ticket_id"].is_unique
    assert set(tickets["priority"]) == set(ENTITIES["support_tickets"].column("priority").allowed)
    assert tuple(p.TICKET_PRIORITIES) == ENTITIES["support_tickets"].column("priority").allowed
    closed = tickets[tickets["closed_at"].notna()]
    assert (closed["closed_at"] >= closed["opened_at"]).all()
    assert (tickets["opened_at"] < REFERENCE_ONGOING).all()
    assert (closed["closed_at"] < REFERENCE_ONGOING).all()  # a later close is still open
    still_open = tickets["closed_at"].isna().sum()
    assert still_open == truth["support_tickets"]["realized"]["open_tickets"] > 0
    rated = tickets.loc[tickets["csat_score"] != "", "csat_score"].astype(int)
    assert (
        rated.between(1, 5).all()
        and len(rated) == tickets.loc[closed.index, "csat_score"].ne("").sum()
    )
    assert 0.30 < len(rated) / len(closed) < 0.40  # TICKET_CSAT_PROBABILITY 0.35
    counts = tickets["priority"].value_counts().to_dict()
    assert counts == truth["support_tickets"]["realized"]["by_priority"]
    # every ticket is opened while its customer has an active subscription episode
    spans = episodes(subs)
    both = tickets.merge(spans, on="customer_id")
    inside = both[(both["opened_at"] >= both["start"]) & (both["opened_at"] < both["reference"])]
    assert inside["ticket_id"].nunique() == len(tickets)


def nps_category(score: pd.Series) -> pd.Series:
    return pd.cut(score, [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])


def test_tickets_burst_in_the_30_days_before_a_detractor_response(demo):
    """Tickets of the customer opened in [responded_at - 30 days, responded_at). Planted: a
    detractor response follows Poisson(1.5) extra tickets, 60% of them high or urgent; background
    tickets do not depend on the NPS type. So detractor - promoter mean tickets = 1.5 within its
    sampling error (Poisson: the variance of a count is about its mean)."""
    _, truth, tickets, _, _, feedback = demo
    nps = feedback[feedback["survey_type"] == "nps"].copy()
    nps["responded_at"] = pd.to_datetime(nps["responded_at"])
    nps["category"] = nps_category(nps["score"].astype(int)).astype(str)
    both = nps.merge(tickets[["customer_id", "opened_at", "priority"]], on="customer_id")
    window = pd.Timedelta(days=p.TICKET_BURST_DAYS)
    both = both[
        (both["opened_at"] >= both["responded_at"] - window)
        & (both["opened_at"] < both["responded_at"])
    ]
    counted = {}
    for category in p.COMMENT_CATEGORIES:
        mine = both[both["category"] == category]
        n = int((nps["category"] == category).sum())
        k, h = len(mine), int(mine["priority"].isin(["high", "urgent"]).sum())
        counted[category] = {
            "responses": n,
            "tickets": k,
            "high_or_urgent": h,
            "mean_tickets": round(k / n, 6),
            "mean_high_or_urgent": round(h / n, 6),
        }
    realized = truth["support_tickets"]["realized"]["before_nps_response"]
    assert counted == realized

    detractor, promoter, passive = (counted[c] for c in ("detractor", "promoter", "passive"))
    difference = detractor["mean_tickets"] - promoter["mean_tickets"]
    se = math.sqrt(
        detractor["mean_tickets"] / detractor["responses"]
        + promoter["mean_tickets"] / promoter["responses"]
    )
    burst = truth["support_tickets"]["burst_mean"]
    assert burst == p.TICKET_BURST_MEAN == 1.5
    assert abs(difference - burst) < 3 * se  # 1.528 vs 1.5 on the default demo, se ~0.026
    assert passive["mean_tickets"] == pytest.approx(promoter["mean_tickets"], abs=0.05)
    # high or urgent: 20% of background tickets, 60% of burst tickets
    expected_high = 0.20 * promoter["mean_tickets"] + 0.60 * burst
    assert detractor["mean_high_or_urgent"] == pytest.approx(expected_high, abs=0.06)
    assert promoter["mean_high_or_urgent"] / promoter["mean_tickets"] == pytest.approx(
        0.20, abs=0.03
    )


def test_the_planted_parameters_are_in_the_ground_truth(demo):
    _, truth, _, _, _, _ = demo
    usage, tickets = truth["product_usage"], truth["support_tickets"]
    assert usage["decline_days"] == 91 and usage["decline_floor"] == 0.4
    assert usage["utilisation_by_type"] == p.USAGE_UTILISATION
    assert tickets["burst_days"] == 30
    assert tickets["burst_priority_mix"] == dict(
        zip(p.TICKET_PRIORITIES, p.TICKET_BURST_PRIORITY_MIX, strict=True)
    )
    assert truth["quarantine_expected"]["support_tickets"] == {
        "closed_before_opened": 1,
        "csat_score_out_of_range": 2,
        "duplicate_key": 1,
        "invalid_number": 1,
        "invalid_timestamp": 1,
        "orphan_customer_id": 1,
        "required_missing": 1,
        "unknown_enum": 1,
    }
    assert truth["quarantine_expected"]["product_usage"] == {
        "duplicate_key": 1,
        "invalid_date": 1,
        "invalid_number": 1,
        "negative_count": 2,
        "orphan_customer_id": 1,
        "required_missing": 1,
        "week_not_monday": 1,
    }
