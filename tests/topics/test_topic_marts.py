"""Known-answer tests of the topic marts on the hand-made warehouses of conftest.py (designs A
and B: real extractor, real dbt build)."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from scipy import stats

from tests.topics.designs import MONTHS_A, MONTHS_B, design_a
from tests.warehouse import build_topic_warehouse


def query(warehouse: Path, sql: str, params: list | None = None) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def one(warehouse: Path, sql: str, params: list | None = None) -> dict:
    rows = query(warehouse, sql, params)
    assert len(rows) == 1, rows
    return rows[0]


# --- design A: impact, drivers, mentions, no alert on identical periods ------------------------


def nps_se(promoters: int, detractors: int, n: int) -> float:
    p, d = promoters / n, detractors / n
    return 100 * math.sqrt((p + d - (p - d) ** 2) / n)


def test_impact_of_reliability_matches_the_hand_computation(blocks):
    row = one(
        blocks,
        "select * from marts.topic_impact_overall where period_grain = 'all_time' "
        "and topic_id = 'reliability'",
    )
    # 8 months x 2 segments x 40 = 640 responses; 160 detractors mention reliability
    assert (row["responses"], row["responses_mentioning"], row["responses_rest"]) == (640, 160, 480)
    assert row["share_mentioning"] == pytest.approx(0.25)
    assert row["nps_mentioning"] == pytest.approx(-100.0)
    assert row["nps_rest"] == pytest.approx(100 * 320 / 480)  # 320 promoters, 160 passives
    assert row["impact"] == pytest.approx(0.25 * (-100 - 200 / 3))  # -41.67 NPS points
    se_gap = math.sqrt(nps_se(0, 160, 160) ** 2 + nps_se(320, 0, 480) ** 2)
    assert row["impact_se"] == pytest.approx(0.25 * se_gap)
    assert row["impact_ci_low"] == pytest.approx(row["impact"] - 1.96 * 0.25 * se_gap)
    assert row["impact_sign"] == "negative"
    # ARR weights: smb 1,200 each; ent detractors 24,000, other ent 12,000
    w_t = 80 * 1200 + 80 * 24000
    w_rest = 240 * 1200 + 240 * 12000
    promoters_rest = 160 * 1200 + 160 * 12000
    rw_rest = 100 * promoters_rest / w_rest
    assert row["arr_share_mentioning"] == pytest.approx(w_t / (w_t + w_rest))
    assert row["arr_weighted_nps_mentioning"] == pytest.approx(-100.0)
    assert row["arr_weighted_nps_rest"] == pytest.approx(rw_rest)
    assert row["arr_weighted_impact"] == pytest.approx(w_t / (w_t + w_rest) * (-100 - rw_rest))


def test_usability_is_positive_and_onboarding_has_no_impact(blocks):
    rows = {
        r["topic_id"]: r
        for r in query(
            blocks,
            "select * from marts.topic_impact_overall where period_grain = 'all_time'",
        )
    }
    # usability: 160 promoters vs the rest (160 each of detractors, passives, promoters): NPS 0
    assert rows["usability"]["impact"] == pytest.approx(0.25 * (100 - 0))
    assert rows["usability"]["impact_sign"] == "positive"
    assert rows["onboarding"]["impact"] == pytest.approx(0.0, abs=1e-9)
    assert rows["onboarding"]["impact_sign"] == "not_significant"
    # the level-2 sub-topic is its own row, and its mentions also count for its parent above
    assert rows["reliability.outages"]["responses_mentioning"] == 80
    assert set(rows) == {"reliability", "reliability.outages", "usability", "onboarding"}
    # every month and segment is the same block: the monthly impact equals the all-time one
    monthly = query(
        blocks,
        "select impact from marts.topic_impact where period_grain = 'month' "
        "and topic_id = 'reliability'",
    )
    monthly += query(
        blocks,
        "select impact from marts.topic_impact_overall where period_grain = 'month' "
        "and topic_id = 'reliability'",
    )
    assert len(monthly) == len(MONTHS_A) * (2 + 1)  # two segments, and over both
    assert all(r["impact"] == pytest.approx(0.25 * (-100 - 200 / 3)) for r in monthly)


def test_drivers_reliability_explains_detractors_and_noise_is_zeroed(blocks):
    rows = {
        r["topic_id"]: r
        for r in query(
            blocks,
            "select * from marts.nps_drivers where period_grain = 'all_time' "
            "and outcome = 'detractor' and topic_level = 1",
        )
    }
    reliability, onboarding, usability = rows["reliability"], rows["onboarding"], rows["usability"]
    assert reliability["r_squared"] == pytest.approx(1.0)
    assert reliability["is_significant"] and reliability["p_value"] == 0.0
    assert reliability["relative_weight"] == max(r["relative_weight"] for r in rows.values())
    # onboarding is orthogonal to the score and the other topics: weight exactly 0
    assert onboarding["raw_weight"] == pytest.approx(0.0, abs=1e-12)
    assert onboarding["relative_weight"] == 0.0 and not onboarding["is_significant"]
    # usability shares variance with reliability but adds nothing: zeroed and flagged
    assert not usability["is_significant"] and usability["relative_weight"] == 0.0
    assert usability["driver_status"] == "not_significant"
    assert sum(r["raw_weight"] for r in rows.values()) == pytest.approx(1.0)
    for topic in ("product", "support", "pricing"):
        assert rows[topic]["driver_status"] == "no_variation"


def test_drivers_single_sub_topic_weight_is_its_squared_correlation(blocks):
    # level 2: only reliability.outages varies (5 of 40 per block, all detractors):
    # r^2 = cov^2 / (var_o var_y) = 0.09375^2 / (0.109375 x 0.1875) = 3/7
    row = one(
        blocks,
        "select * from marts.nps_drivers where period_grain = 'all_time' "
        "and outcome = 'detractor' and topic_id = 'reliability.outages'",
    )
    assert row["raw_weight"] == pytest.approx(3 / 7)
    assert row["r_squared"] == pytest.approx(3 / 7)
    assert row["is_significant"]


def test_mentions_roll_sub_topics_up_and_split_by_sentiment(blocks):
    # design A's comments are all English; each segment's month is the same block of 40
    rows = {
        (r["topic_id"], r["sentiment_label"]): r
        for r in query(
            blocks,
            "select * from marts.topic_mentions where response_month = date '2024-03-01' "
            "and segment = 'smb' and language = 'en'",
        )
    }
    assert rows[("reliability", "negative")]["responses"] == 10
    assert rows[("reliability", "negative")]["commented_responses"] == 40
    assert ("reliability", "positive") not in rows
    assert rows[("onboarding", "positive")]["share_of_responses"] == pytest.approx(0.5)
    # over both segments, the language and the sentiment labels (topic_mentions_overall)
    overall = {
        r["topic_id"]: r
        for r in query(
            blocks,
            "select * from marts.topic_mentions_overall where response_month = date '2024-03-01'",
        )
    }
    reliability = overall["reliability"]
    assert (reliability["responses"], reliability["statements"]) == (20, 20)
    assert reliability["commented_responses"] == 80
    assert reliability["share_of_responses"] == pytest.approx(0.25)
    assert reliability["share_ci_low"] < 0.25 < reliability["share_ci_high"]
    assert overall["reliability.outages"]["responses"] == 10
    assert overall["usability"]["mean_sentiment"] == pytest.approx(0.8)


def test_identical_periods_raise_no_alert(blocks):
    alerts = query(blocks, f"select * from ({ALERTS}) where is_alert")
    assert alerts == []
    tested = query(
        blocks, f"select z_statistic, p_value from ({ALERTS}) where test_status = 'tested'"
    )
    assert tested and all(r["z_statistic"] == pytest.approx(0.0, abs=1e-9) for r in tested)
    assert all(r["p_value"] == pytest.approx(0.5, abs=1e-7) for r in tested)


# --- design B: alerts and language bias ----------------------------------------------------------


# the alerts per segment and over every segment ('all' here): Benjamini-Hochberg runs over both
ALERTS = (
    "select * from marts.topic_alerts"
    " union all by name select *, 'all' as segment from marts.topic_alerts_overall"
)


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = running
    return q


def test_the_injected_spike_is_found_with_its_accounts_and_arr(stream):
    warehouse, responses = stream
    latest = query(
        warehouse,
        f"select * from ({ALERTS}) where is_latest_period and is_alert order by segment, topic_id",
    )
    found = {(r["segment"], r["topic_id"]): r for r in latest}
    # the spike, in its segment and in the total; smb's pricing did not move
    assert {("all", "pricing"), ("ent", "pricing")} <= set(found)
    assert ("smb", "pricing") not in found
    # BH bounds the expected share of false alerts, not their number in one period: with two
    # real spikes a chance rise at p = 0.008 also passes (seed 20241: ent product, q = 0.046)
    assert len(found) <= 3
    ent = found[("ent", "pricing")]
    mentioning = {
        r.customer_id
        for r in responses
        if r.responded_at.startswith(MONTHS_B[-1])
        and r.customer_id.startswith("ent")
        and any("pricing" in s.topics for s in r.statements)
    }
    assert ent["responses_mentioning"] == len(mentioning)
    assert ent["accounts_mentioning"] == len(mentioning)
    assert ent["arr_accounts_mentioning"] == pytest.approx(12 * 1000.0 * len(mentioning))
    assert ent["baseline_periods"] == 6 and ent["baseline_commented_responses"] == 600
    assert ent["q_value"] <= 0.05 and ent["share_now"] > ent["baseline_share"]


def test_stationary_periods_stay_within_the_false_discovery_rate(stream):
    warehouse, _ = stream
    periods = query(
        warehouse,
        f"""
        select period_start, count(*) filter (where is_alert) as alerts,
               count(*) filter (where test_status = 'tested') as tested
        from ({ALERTS}) where not is_latest_period
        group by period_start order by period_start
        """,
    )
    tested_periods = [p for p in periods if p["tested"] > 0]
    # 36 months: the first 3 lack a 3-period baseline, the last is the spike month
    assert len(tested_periods) == 32
    with_false_alert = sum(1 for p in tested_periods if p["alerts"] > 0)
    # Under the global null BH at 5% gives a period any alert with probability <= 0.05:
    # P(Binomial(32, 0.05) > 5) < 0.01. With seed 20241 the measured count is printed on failure.
    assert with_false_alert <= 5, periods


def test_p_values_and_benjamini_hochberg_match_an_independent_computation(stream):
    warehouse, _ = stream
    rows = query(
        warehouse,
        f"select period_start, z_statistic, p_value, q_value from ({ALERTS}) "
        "where test_status = 'tested' order by period_start, segment, topic_id",
    )
    by_period = defaultdict(list)
    for r in rows:
        # the SQL normal tail (Numerical Recipes erfc) against scipy
        assert r["p_value"] == pytest.approx(stats.norm.sf(r["z_statistic"]), rel=2e-7, abs=1e-12)
        by_period[r["period_start"]].append(r)
    for group in by_period.values():
        expected = benjamini_hochberg([r["p_value"] for r in group])
        assert [r["q_value"] for r in group] == pytest.approx(expected, rel=1e-12)


def test_language_bias_shows_the_dropped_topic_and_the_sentiment_shift(stream):
    warehouse, responses = stream
    rows = {
        (r["language"], r["topic_id"]): r
        for r in query(warehouse, "select * from marts.topic_language_bias")
    }
    support_de, support_en = rows[("de", "support")], rows[("en", "support")]
    assert support_de["responses_mentioning"] == 0 and support_de["mention_share"] == 0.0
    assert support_de["tagged_comment_share"] == 1.0
    english = [r for r in responses if r.language == "en"]
    en_support = sum(any("support" in s.topics for s in r.statements) for r in english)
    assert support_de["other_mention_share"] == pytest.approx(en_support / len(english))
    assert support_de["share_diff_ci_high"] < 0 and support_de["share_diff_p_value"] < 1e-6
    assert support_en["share_diff"] == pytest.approx(-support_de["share_diff"])
    # a topic both languages mention alike shows no real difference
    assert abs(rows[("de", "product")]["share_diff"]) < 0.03
    assert rows[("de", "product")]["sentiment_diff"] == pytest.approx(-0.2)
    overall = {
        r["language"]: r
        for r in query(warehouse, "select * from marts.topic_language_bias_overall")
    }
    assert overall["de"]["mean_sentiment"] == pytest.approx(0.1)
    # indirect standardisation: scores are independent of language, so expected ~ other share
    assert support_de["expected_share"] == pytest.approx(
        support_de["other_mention_share"], abs=0.02
    )


# --- no text tables at all ---------------------------------------------------------------------


def test_the_project_builds_without_text_tables_and_the_marts_are_empty(tmp_path):
    customers, responses = design_a()
    warehouse = build_topic_warehouse(tmp_path, customers, responses[:200], with_text_tables=False)
    counts = one(
        warehouse,
        """
        select
            (select count(*) from marts.topic_mentions)
            + (select count(*) from marts.topic_mentions_overall) as mentions,
            (select count(*) from marts.topic_impact)
            + (select count(*) from marts.topic_impact_overall) as impact,
            (select count(*) from marts.nps_drivers) as drivers,
            (select count(*) from marts.topic_alerts)
            + (select count(*) from marts.topic_alerts_overall) as alerts,
            (select count(*) from marts.topic_language_bias)
            + (select count(*) from marts.topic_language_bias_overall) as bias,
            (select count(*) from intermediate.int_text__responses_enriched) as responses
        """,
    )
    assert counts == {
        "mentions": 0,
        "impact": 0,
        "drivers": 0,
        "alerts": 0,
        "bias": 0,
        "responses": 200,
    }
    types = dict(
        (r["column_name"], r["data_type"])
        for r in query(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'nps_drivers'",
        )
    )
    assert types["topic_id"] == "VARCHAR" and types["period_start"] == "DATE"
