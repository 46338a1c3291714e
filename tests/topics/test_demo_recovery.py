"""On the demo data, the topic marts recover the planted topic effects (sign and rough size).

The generator plants topic mentions that depend on the NPS category (cxlink/demo/parameters.py
TOPIC_BASE_PROBABILITY): detractors write about reliability and pricing, promoters about
usability and support. ground_truth.json holds the realized mention counts per category, so the
impact a perfect tagger would find is known: (n_t / N) x (NPS_t - NPS_rest) over all NPS
responses.

The pipeline can only tag what it can read: without a real translation model (none can be
downloaded on these machines) the non-English comments stay untranslated and untagged. If the
tagger misses comments at random, the impact shrinks by the share of comments tagged (n_t
shrinks, the NPS gap stays), so the expected size is coverage x planted impact. "Rough size" is
a factor of two around that.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.xdist_group("demo_run")

PLANTED_SIGN = {
    "reliability": "negative",
    "pricing": "negative",
    "support": "positive",
    "usability": "positive",
}


def planted_impact(truth: dict, topic: str) -> float:
    realized = truth["realized"]
    totals = realized["nps_responses_by_category"]
    mentions = realized["nps_topic_mentions"][topic]
    n = sum(totals.values())
    n_t = sum(mentions.values())
    nps_t = 100 * (mentions["promoter"] - mentions["detractor"]) / n_t
    rest_promoters = totals["promoter"] - mentions["promoter"]
    rest_detractors = totals["detractor"] - mentions["detractor"]
    nps_rest = 100 * (rest_promoters - rest_detractors) / (n - n_t)
    return n_t / n * (nps_t - nps_rest)


def tagged_share(con) -> float:
    """Share of the NPS comments that the text assets tagged."""
    tagged, commented = con.execute(
        """
        select count(*) filter (where has_tagged_comment), count(*) filter (where has_comment)
        from intermediate.int_text__responses_enriched where survey_type = 'nps'
        """
    ).fetchone()
    return tagged / commented


def impact_row(con, topic: str) -> dict:
    cursor = con.execute(
        "select * from marts.topic_impact_overall where period_grain = 'all_time' and topic_id = ?",
        [topic],
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1, f"no all-time impact row for {topic}"
    return dict(zip(names, rows[0], strict=True))


def test_the_text_assets_ran_and_tagged_comments(con):
    assert tagged_share(con) > 0.3
    assert con.execute("select count(*) from marts.topic_mentions").fetchone()[0] > 0


@pytest.mark.parametrize("topic", list(PLANTED_SIGN))
def test_planted_topic_impact_has_the_planted_sign(demo_run, con, topic):
    _, truth, _ = demo_run
    planted = planted_impact(truth, topic)
    assert ("negative" if planted < 0 else "positive") == PLANTED_SIGN[topic]
    # significant: the whole interval on the planted side of zero
    assert impact_row(con, topic)["impact_sign"] == PLANTED_SIGN[topic]


@pytest.mark.parametrize("topic", list(PLANTED_SIGN))
def test_planted_topic_impact_has_roughly_the_planted_size(demo_run, con, topic):
    _, truth, _ = demo_run
    expected = tagged_share(con) * planted_impact(truth, topic)
    impact = impact_row(con, topic)["impact"]
    assert 0.5 <= impact / expected <= 2.0, (impact, expected)


def test_drivers_rank_reliability_and_pricing_for_detractors(con):
    rows = con.execute(
        """
        select topic_id, relative_weight, effect_direction, is_significant
        from marts.nps_drivers
        where period_grain = 'all_time' and outcome = 'detractor' and topic_level = 1
        order by relative_weight desc
        """
    ).fetchall()
    top_two = {r[0] for r in rows[:2]}
    assert top_two == {"reliability", "pricing"}, rows
    assert all(r[2] == "raises" and r[3] for r in rows[:2])
    r_squared = con.execute(
        "select max(r_squared) from marts.nps_drivers where period_grain = 'all_time' "
        "and outcome = 'detractor' and topic_level = 1"
    ).fetchone()[0]
    assert 0 < r_squared < 1


def test_alert_check_ran_on_the_demo_and_agrees_with_the_mart(demo_run, con):
    _, _, result = demo_run
    evaluations = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "topic_alerts_new"
    ]
    assert len(evaluations) == 1
    new_alerts = con.execute(
        "select count(*) from marts.topic_alerts where is_latest_period and is_alert"
    ).fetchone()[0]
    assert evaluations[0].passed == (new_alerts == 0)
