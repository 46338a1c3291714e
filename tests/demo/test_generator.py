"""The demo generator: deterministic, contract-valid, internally consistent, with its planted effects.

Most tests share one small landing zone (400 customers in chunks of 150, so chunking is always
exercised) read back with DuckDB, independently of the generator's own code.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pytest

from cxlink.contract import (
    ENTITIES,
    ENTITY_ORDER,
    SURVEY_SCORE_RANGES,
)
from cxlink.demo import generate
from cxlink.demo import parameters as p
from cxlink.demo.__main__ import main as cli_main
from cxlink.demo.phrases import load_phrase_bank
from cxlink.demo.tier_changes import episode_periods, merge_changes
from cxlink.extract import extract_entity
from cxlink.iso_codes import ISO_3166_ALPHA2, ISO_4217

CUSTOMERS = 400
CHUNK = 150
AS_OF = date(2026, 10, 31)

CLEAN_FILES = [
    "customers/customers.csv",
    "feedback/legacy_export.csv",
    "feedback/responses.jsonl",
    "fx_rates/fx_rates.csv",
    "invoices/invoices.parquet",
    "marketing_spend/marketing_spend.csv",
    "product_usage/usage_weeks.parquet",
    "service_costs/service_costs.csv",
    "subscriptions/subscriptions.csv",
    "support_tickets/tickets.csv",
]
SUBSCRIPTION_LINES = ("new", "renewal", "upsell", "cross_sell")


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def csv_source(path: Path) -> str:
    return (
        f"read_csv('{path}', header = true, all_varchar = true, delim = ',', quote = '\"', "
        "escape = '\"', strict_mode = true)"
    )


def open_landing(landing: Path) -> duckdb.DuckDBPyConnection:
    """Typed views of the clean files: customers, subscriptions, invoices, feedback, costs."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(
        f"""
        create view customers as
        select * replace (cast(signup_date as date) as signup_date)
        from {csv_source(landing / "customers/customers.csv")}
        """
    )
    con.execute(
        f"""
        create view subscriptions as
        select * replace (
            cast(period_start as date) as period_start,
            cast(nullif(period_end, '') as date) as period_end,
            cast(mrr as decimal(18, 2)) as mrr
        )
        from {csv_source(landing / "subscriptions/subscriptions.csv")}
        """
    )
    con.execute(
        f"create view invoices as select * from read_parquet('{landing}/invoices/*.parquet')"
    )
    columns = ", ".join(ENTITIES["feedback"].column_names)
    con.execute(
        f"""
        create view feedback as
        select response_id, customer_id, cast(responded_at as timestamp) as responded_at,
               survey_type, cast(score as integer) as score, comment, language, channel,
               source
        from (
            select {columns}, 'jsonl' as source
            from read_json('{landing}/feedback/responses.jsonl', format = 'newline_delimited',
                columns = {{response_id: 'varchar', customer_id: 'varchar',
                           responded_at: 'varchar', survey_type: 'varchar', score: 'varchar',
                           comment: 'varchar', language: 'varchar', channel: 'varchar'}})
            union all
            select {columns}, 'csv' as source
            from {csv_source(landing / "feedback/legacy_export.csv")}
        )
        """
    )
    for entity in ("marketing_spend", "service_costs", "fx_rates"):
        con.execute(
            f"create view {entity} as select * from {csv_source(landing / entity / (entity + '.csv'))}"
        )
    return con


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    landing = tmp_path_factory.mktemp("demo") / "landing"
    report = generate(landing, customers=CUSTOMERS, seed=42, chunk_size=CHUNK)
    truth = json.loads((landing / "ground_truth.json").read_text(encoding="utf-8"))
    con = open_landing(landing)
    yield landing, report, truth, con
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


# --- determinism and layout -------------------------------------------------------------------


def test_same_seed_and_scale_give_byte_identical_files(tmp_path: Path, demo):
    landing, _, _, _ = demo
    again = tmp_path / "again"
    generate(again, customers=CUSTOMERS, seed=42, chunk_size=CHUNK)
    assert digests(again) == digests(landing)
    other = tmp_path / "other"
    generate(other, customers=CUSTOMERS, seed=43, chunk_size=CHUNK)
    assert digests(other)["customers/customers.csv"] != digests(landing)["customers/customers.csv"]


def test_files_written_and_report(demo):
    landing, report, truth, _ = demo
    files = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file())
    dirty = [f"{e}/zz_dirty.csv" for e in ENTITY_ORDER if truth["quarantine_expected"][e]]
    assert files == sorted([*CLEAN_FILES, *dirty, "ground_truth.json"])
    assert not list(landing.rglob("*.part"))
    assert report["rows"] == truth["realized"]["rows"]
    assert report["rows"]["customers"] == CUSTOMERS
    assert report["files"] == len(files)
    assert set(report) >= {"rows", "dirty_rows", "files", "seconds"}


# --- contract ---------------------------------------------------------------------------------


def distinct(con: duckdb.DuckDBPyConnection, sql: str) -> set:
    return {r[0] for r in con.execute(sql).fetchall()}


def count(con: duckdb.DuckDBPyConnection, table: str, where: str) -> int:
    return scalar(con, f"select count(*) from {table} where {where}")


def test_customers_match_the_contract(demo):
    _, _, _, con = demo
    assert scalar(con, "select count(distinct customer_id) from customers") == CUSTOMERS
    rows = con.execute(
        "select customer_id, segment, plan_tier, acquisition_channel, country, persona, email "
        "from customers"
    ).fetchall()
    tiers = {*p.TIERS, p.NON_SUBSCRIPTION_PLAN_TIER}
    for cid, segment, tier, channel, country, persona, email in rows:
        assert re.fullmatch(r"C\d{7}", cid)
        assert segment in p.SEGMENTS and tier in tiers and channel in p.CHANNELS
        assert country in ISO_3166_ALPHA2 and (persona or "") in p.PERSONAS
        assert re.fullmatch(r"user\d+@example\.com", email)
    assert count(con, "customers", "signup_date not between '2022-01-01' and '2026-10-31'") == 0
    # outbound sales is an enterprise motion
    outbound = dict(
        con.execute(
            "select segment, avg(case when acquisition_channel = 'outbound_sales' then 1 else 0 "
            "end) from customers group by 1"
        ).fetchall()
    )
    assert outbound["enterprise"] > 0.4 and outbound.get("smb", 0) == 0


def test_subscriptions_match_the_contract(demo):
    _, _, _, con = demo
    assert count(con, "subscriptions", "mrr <= 0 or period_start is null") == 0
    assert count(con, "subscriptions", f"plan_tier not in {tuple(p.TIERS)}") == 0
    assert (
        count(con, "subscriptions", "customer_id not in (select customer_id from customers)") == 0
    )
    assert (
        scalar(
            con,
            "select count(*) - count(distinct (subscription_id, period_start)) from subscriptions",
        )
        == 0
    )
    # billed in the customer's country currency
    pairs = con.execute(
        "select distinct c.country, s.currency from subscriptions s join customers c using (customer_id)"
    ).fetchall()
    currency = {c[0]: c[3] for c in p.COUNTRIES}
    assert all(currency[country] == code for country, code in pairs)
    assert {code for _, code in pairs} <= ISO_4217


def test_invoices_match_the_contract(demo):
    _, _, _, con = demo
    types = dict((r[0], r[1]) for r in con.execute("describe invoices").fetchall())
    assert types["issued_at"] == "TIMESTAMP" and types["amount"].startswith("DECIMAL")
    assert scalar(con, "select count(*) - count(distinct invoice_id) from invoices") == 0
    allowed = set(ENTITIES["invoices"].column("line_type").allowed)
    assert distinct(con, "select distinct line_type from invoices") == allowed
    assert count(con, "invoices", "customer_id not in (select customer_id from customers)") == 0
    assert distinct(con, "select distinct currency from invoices") <= {"EUR", *p.FX_BASE}
    assert count(con, "invoices", "issued_at >= timestamp '2026-11-01'") == 0


def test_feedback_matches_the_contract(demo):
    _, _, _, con = demo
    assert scalar(con, "select count(*) - count(distinct response_id) from feedback") == 0
    assert distinct(con, "select distinct source from feedback") == {"jsonl", "csv"}
    assert (
        0.02
        < scalar(con, "select avg(case when source = 'csv' then 1 else 0 end) from feedback")
        < 0.08
    )
    assert distinct(con, "select distinct survey_type from feedback") == {"nps", "csat", "ces"}
    for survey, (low, high) in SURVEY_SCORE_RANGES.items():
        assert (
            count(
                con, "feedback", f"survey_type = '{survey}' and score not between {low} and {high}"
            )
            == 0
        )
    allowed = set(ENTITIES["feedback"].column("channel").allowed)
    assert distinct(con, "select distinct channel from feedback") <= allowed
    assert distinct(con, "select distinct language from feedback") - {None} == set(p.LANGUAGES)
    assert count(con, "feedback", "customer_id not in (select customer_id from customers)") == 0
    assert count(con, "feedback", "responded_at >= timestamp '2026-11-01'") == 0


def test_monthly_tables_match_the_contract(demo):
    _, report, _, con = demo
    for entity in ("marketing_spend", "service_costs"):
        assert count(con, entity, "day(cast(month as date)) <> 1") == 0
        assert count(con, entity, "try_cast(amount as decimal(18, 2)) is null") == 0
        assert distinct(con, f"select distinct currency from {entity}") == {"EUR"}
    assert distinct(con, "select distinct cost_type from service_costs") == {
        "onboarding",
        "support",
        "success",
    }
    rates = con.execute(
        "select currency, min(cast(rate_to_reporting as double)), "
        "max(cast(rate_to_reporting as double)) from fx_rates group by 1"
    ).fetchall()
    assert {r[0] for r in rates} == set(p.FX_BASE)
    for code, low, high in rates:
        assert 0.6 * p.FX_BASE[code] < low <= high < 1.6 * p.FX_BASE[code], code
    months = scalar(con, "select count(distinct date) from fx_rates")
    assert months == 58 and report["rows"]["fx_rates"] == 4 * months  # 2022-01 .. 2026-10


def test_the_extractor_accepts_every_clean_row_and_quarantines_exactly_the_planted_dirt(
    tmp_path: Path, demo
):
    landing, report, truth, _ = demo
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for entity in ENTITY_ORDER:
        result = extract_entity(con, landing, entity)
        assert result.errors == [], entity
        expected = {rule: n for rule, n in truth["quarantine_expected"][entity].items() if n}
        assert result.counts.rows_raw == report["rows"][entity], entity
        assert result.counts.by_rule == expected, entity
        assert result.counts.rows_quarantined == report["dirty_rows"][entity], entity
    # every dirty row breaks exactly one rule, so the per-rule counts are unambiguous
    rules = con.execute("select rules from quarantine.rejected_rows").fetchall()
    assert rules and all(len(r[0]) == 1 for r in rules)
    names = {rule for counts in truth["quarantine_expected"].values() for rule in counts}
    assert names >= {
        "required_missing", "invalid_date", "invalid_timestamp", "invalid_number",
        "score_out_of_range", "unknown_enum", "duplicate_key", "unknown_currency",
        "unknown_country", "orphan_customer_id", "period_end_not_after_start",
        "closed_before_opened", "csat_score_out_of_range", "week_not_monday", "negative_count",
    }  # fmt: skip


# --- subscriptions ----------------------------------------------------------------------------


def periods_by_subscription(con) -> dict[str, list[tuple]]:
    rows = con.execute(
        "select subscription_id, customer_id, plan_tier, period_start, period_end, mrr "
        "from subscriptions order by subscription_id, period_start"
    ).fetchall()
    out: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row)
    return out


def add_months(d: date, k: int) -> date:
    month = d.month - 1 + k
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError


def is_anniversary(first_start: date, day: date) -> bool:
    years = day.year - first_start.year
    return years > 0 and add_months(first_start, 12 * years) == day


def test_periods_of_a_subscription_are_contiguous_and_never_overlap(demo):
    _, _, _, con = demo
    tier_changes = renewals = 0
    for sub_id, periods in periods_by_subscription(con).items():
        assert len({r[1] for r in periods}) == 1, sub_id
        for before, after in pairwise(periods):
            # a tier change or a renewal ends a period the day the next one starts (end
            # exclusive); a period of the same tier starts only on a contract anniversary
            assert before[4] == after[3], sub_id
            assert before[5] != after[5], sub_id
            if before[2] != after[2]:
                tier_changes += 1
            else:
                assert is_anniversary(periods[0][3], after[3]), (sub_id, after[3])
                renewals += 1
        for row in periods:
            assert row[4] is None or row[4] > row[3], sub_id
            # an end after as_of_date is not known yet: the period is written as ongoing
            assert row[3] <= AS_OF and (row[4] is None or row[4] <= AS_OF)
        assert all(r[4] is not None for r in periods[:-1]), sub_id
    assert tier_changes > 10 and renewals > 10


def test_renewals_add_seats_at_the_planted_rate(demo):
    """At each contract anniversary the price moves by exp(N(mean, sigma)) seats, plus the
    period's own price noise (sd PERIOD_PRICE_SIGMA on each side of the cut): the mean log
    change recovers the planted seat growth, the driver of a net revenue retention near 100%."""
    _, _, truth, con = demo
    planted = truth["expansion"]["renewal_seat_log_change"]
    steps = []
    for periods in periods_by_subscription(con).values():
        for before, after in pairwise(periods):
            if before[2] == after[2]:  # same tier: a renewal
                steps.append(math.log(float(after[5]) / float(before[5])))
    n = len(steps)
    mean = sum(steps) / n
    sd = math.sqrt(planted["sigma"] ** 2 + 2 * p.PERIOD_PRICE_SIGMA**2)
    assert n > 100
    assert abs(mean - planted["mean"]) < 4 * sd / math.sqrt(n), (mean, n)
    assert sum(s > 0 for s in steps) / n > 0.7  # most renewals add seats


def test_renewals_cut_periods_that_keep_the_tier_and_carry_the_seats():
    """Known answer: episode 0 (tier 1) moves to tier 2 on day 10, the day it also renews (the
    renewal folds into that cut), and renews again on day 20; episode 1 (tier 2) renews on day
    5. The seat factor accumulates within an episode only."""
    tier0 = np.array([1, 2])
    owner, day, tier, step = merge_changes(
        tier0,
        np.array([0]), np.array([10]), np.array([2]),
        np.array([0, 0, 1]), np.array([10, 20, 5]), np.array([0.1, 0.2, 0.3]),
    )  # fmt: skip
    assert owner.tolist() == [0, 0, 1] and day.tolist() == [10, 20, 5]
    assert tier.tolist() == [2, 2, 2] and step.tolist() == pytest.approx([0.1, 0.2, 0.3])
    periods = episode_periods(np.array([0, 0]), np.array([30, 9]), tier0, owner, day, tier, step)
    p_owner, _, p_start, p_end, p_tier, upgrade, seat = periods
    assert p_owner.tolist() == [0, 0, 0, 1, 1]
    assert list(zip(p_start.tolist(), p_end.tolist(), strict=True)) == [
        (0, 10), (10, 20), (20, 30), (0, 5), (5, 9),
    ]  # fmt: skip
    assert p_tier.tolist() == [1, 2, 2, 2, 2]
    assert upgrade.tolist() == [False, True, False, False, False]
    assert seat.tolist() == pytest.approx([0.0, 0.1, 0.3, 0.0, 0.3])


def test_addons_overlap_their_main_subscription_and_churn_ends_everything(demo):
    _, _, _, con = demo
    subs = periods_by_subscription(con)
    addons = [s for s in subs if s.endswith("A")]
    assert addons
    for addon in addons:
        main = subs[addon[:-1]]
        (a,) = subs[addon]
        assert main[0][3] <= a[3]
        main_end = main[-1][4]
        if main_end is not None:  # churned: the add-on ended by then
            assert a[4] is not None and a[4] <= main_end
    # the add-on's customer is an enterprise account
    segments = dict(con.execute("select customer_id, segment from customers").fetchall())
    assert {segments[subs[a][0][1]] for a in addons} == {"enterprise"}


def test_churned_customers_come_back_only_after_at_least_13_months(demo):
    _, _, truth, con = demo
    lives: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for sub_id, periods in sorted(periods_by_subscription(con).items()):
        if not sub_id.endswith("A"):
            lives[periods[0][1]].append((periods[0][3], periods[-1][4]))
    reactivations = 0
    for customer, spans in lives.items():
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            assert end is not None, customer
            assert start >= add_months(end, p.REACTIVATION_MIN_GAP_MONTHS), customer
            reactivations += 1
    assert reactivations == truth["realized"]["reactivations"] > 0
    assert truth["churn"]["reactivation_min_gap_months"] == 13


def test_non_subscription_buyers_have_only_one_time_invoices_and_no_nps(demo):
    _, _, _, con = demo
    buyers = [
        r[0]
        for r in con.execute(
            f"select customer_id from customers where plan_tier = '{p.NON_SUBSCRIPTION_PLAN_TIER}'"
        ).fetchall()
    ]
    assert buyers
    listed = ", ".join(f"'{b}'" for b in buyers)
    assert scalar(con, f"select count(*) from subscriptions where customer_id in ({listed})") == 0
    kinds = {
        r[0]
        for r in con.execute(
            f"select distinct line_type from invoices where customer_id in ({listed})"
        ).fetchall()
    }
    assert kinds <= {"one_time", "refund"} and "one_time" in kinds
    surveys = con.execute(
        f"select distinct survey_type from feedback where customer_id in ({listed})"
    ).fetchall()
    assert {r[0] for r in surveys} <= {"csat"}
    # and every subscriber has a subscription
    no_subscription = (
        f"plan_tier <> '{p.NON_SUBSCRIPTION_PLAN_TIER}' "
        "and customer_id not in (select customer_id from subscriptions)"
    )
    assert count(con, "customers", no_subscription) == 0


# --- invoices ---------------------------------------------------------------------------------


def test_invoices_are_consistent_with_the_periods(demo):
    _, _, _, con = demo
    unmatched = con.execute(
        f"""
        select i.invoice_id, i.line_type
        from invoices i
        where i.line_type in {SUBSCRIPTION_LINES}
          and not exists (
            select 1 from subscriptions s
            where s.subscription_id = i.subscription_id and s.customer_id = i.customer_id
              and s.period_start <= cast(i.issued_at as date)
              and (s.period_end is null or cast(i.issued_at as date) < s.period_end)
              and s.mrr = i.amount and s.currency = i.currency
          )
        """
    ).fetchall()
    assert unmatched == []
    # one invoice per subscription month: each period is billed on its first day
    missing_first = scalar(
        con,
        """
        select count(*) from subscriptions s
        where not exists (select 1 from invoices i where i.subscription_id = s.subscription_id
                          and cast(i.issued_at as date) = s.period_start and i.amount > 0)
        """,
    )
    assert missing_first == 0
    monthly = con.execute(
        """
        select s.subscription_id, s.period_start, count(i.invoice_id) as lines,
               date_diff('month', s.period_start, coalesce(s.period_end, date '2026-11-01')) as months
        from subscriptions s join invoices i
          on i.subscription_id = s.subscription_id and i.amount > 0
         and cast(i.issued_at as date) >= s.period_start
         and (s.period_end is null or cast(i.issued_at as date) < s.period_end)
        group by all
        """
    ).fetchall()
    assert all(abs(lines - months) <= 1 for _, _, lines, months in monthly)
    # line types: one `new` per subscriber, cross-sell only on add-ons, upsell on upgrades
    new_lines = dict(
        con.execute(
            "select customer_id, count(*) from invoices where line_type = 'new' group by 1"
        ).fetchall()
    )
    assert set(new_lines.values()) == {1}
    assert set(new_lines) == distinct(con, "select customer_id from subscriptions")
    assert count(con, "invoices", "line_type = 'cross_sell' and subscription_id not like '%A'") == 0
    addon_lines = "subscription_id like '%A' and line_type not in ('cross_sell', 'refund')"
    assert count(con, "invoices", addon_lines) == 0
    upsells = con.execute(
        """
        select count(*), count(before.subscription_id)
        from invoices i
        left join subscriptions before
          on before.subscription_id = i.subscription_id
         and before.period_end = cast(i.issued_at as date) and before.mrr < i.amount
        where i.line_type = 'upsell'
        """
    ).fetchone()
    assert upsells[0] > 0 and upsells[0] == upsells[1]
    # signs and links
    assert count(con, "invoices", "(line_type = 'refund') <> (amount < 0)") == 0
    assert count(con, "invoices", "line_type = 'one_time' and subscription_id is not null") == 0
    assert (
        count(con, "invoices", f"line_type in {SUBSCRIPTION_LINES} and subscription_id is null")
        == 0
    )


# --- feedback ---------------------------------------------------------------------------------


def test_every_nps_score_of_a_customer_falls_in_one_type_range(demo):
    _, _, _, con = demo
    mixed = con.execute(
        """
        select customer_id, count(distinct case when score >= 9 then 'p'
                                                when score >= 7 then 'n' else 'd' end) as kinds
        from feedback where survey_type = 'nps' group by 1 having kinds > 1
        """
    ).fetchall()
    assert mixed == []
    shares = dict(
        con.execute(
            """
            select kind, count(*) / sum(count(*)) over () from (
                select customer_id, max(case when score >= 9 then 'promoter'
                    when score >= 7 then 'passive' else 'detractor' end) as kind
                from feedback where survey_type = 'nps' group by 1)
            group by 1
            """
        ).fetchall()
    )
    for kind, share in zip(p.NPS_TYPES, p.NPS_TYPE_MIX, strict=True):
        assert abs(shares[kind] - share) < 0.1, kind


def test_responses_come_only_from_active_customers(demo):
    _, _, _, con = demo
    inactive = scalar(
        con,
        f"""
        select count(*) from feedback f
        join customers c using (customer_id)
        where c.plan_tier <> '{p.NON_SUBSCRIPTION_PLAN_TIER}' and not exists (
            select 1 from subscriptions s where s.customer_id = f.customer_id
              and s.period_start <= cast(f.responded_at as date)
              and (s.period_end is null or cast(f.responded_at as date) < s.period_end))
        """,
    )
    assert inactive == 0
    # roughly quarterly: a long-lived customer answers NPS a few times a year at most
    per_year = (
        "select max(n) from (select customer_id, year(responded_at), count(*) as n "
        "from feedback where survey_type = 'nps' group by all)"
    )
    assert scalar(con, per_year) <= 6


def sentence_index() -> dict[str, tuple[str, str, str]]:
    index = {}
    for language, topics in load_phrase_bank().sentences.items():
        for topic, by_sentiment in topics.items():
            for sentiment, sentences in by_sentiment.items():
                for sentence in sentences:
                    index[sentence] = (language, topic, sentiment)
    return index


def split_sentences(comment: str) -> list[str]:
    return re.split(r"(?<=[.!?])[ \n]", comment)


def test_comments_in_seven_languages_built_from_the_phrase_banks(demo):
    _, _, truth, con = demo
    index = sentence_index()
    country_language = {c[0]: c[2] for c in p.COUNTRIES}
    rows = con.execute(
        "select f.survey_type, f.score, f.comment, f.language, c.country from feedback f "
        "join customers c using (customer_id) where f.comment is not null"
    ).fetchall()
    by_language: dict[str, int] = defaultdict(int)
    omitted = 0
    for _, _, comment, language, country in rows:
        sentences = split_sentences(comment)
        assert 1 <= len(sentences) <= 3, comment
        found = [index[s] for s in sentences]
        # each sentence one topic, all in the customer's language, no topic twice
        assert {f[0] for f in found} == {country_language[country]}, comment
        assert len({f[1] for f in found}) == len(found), comment
        if language is None:
            omitted += 1
        else:
            assert language == country_language[country]
            by_language[language] += 1
    assert set(by_language) == set(p.LANGUAGES)
    assert 0.05 < omitted / len(rows) < 0.15
    assert truth["realized"]["comments_without_language"] == omitted
    # comment rates: ~60% of NPS, ~30% of CSAT/CES
    rates = dict(
        con.execute(
            "select survey_type, avg(case when comment is null then 0 else 1 end) from feedback "
            "group by 1"
        ).fetchall()
    )
    assert abs(rates["nps"] - 0.6) < 0.05 and abs(rates["csat"] - 0.3) < 0.05
    # some comments need CSV quoting: commas, quotes or line breaks
    assert (
        scalar(con, "select count(*) from feedback where source = 'csv' and comment like '%,%'") > 0
    )
    assert scalar(con, "select count(*) from feedback where comment like '%' || chr(10) || '%'") > 0


def test_topics_and_sentiment_follow_the_score_category(demo):
    _, _, truth, con = demo
    index = sentence_index()
    mentions: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sentiments: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    comments: dict[str, int] = defaultdict(int)
    for score, comment in con.execute(
        "select score, comment from feedback where survey_type = 'nps' and comment is not null"
    ).fetchall():
        category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        comments[category] += 1
        for sentence in split_sentences(comment):
            _, topic, sentiment = index[sentence]
            mentions[topic][category] += 1
            sentiments[category][sentiment] += 1
    assert {t: dict(c) for t, c in mentions.items()} == {
        t: {c: n for c, n in by.items() if n}
        for t, by in truth["realized"]["nps_topic_mentions"].items()
    }
    share = {t: {c: mentions[t][c] / comments[c] for c in comments} for t in p.TOPICS}
    planted = truth["topic_mention_probability"]
    assert share["reliability"]["detractor"] > 2 * share["reliability"]["promoter"]
    assert share["pricing"]["detractor"] > 2 * share["pricing"]["promoter"]
    assert share["usability"]["promoter"] > 2 * share["usability"]["detractor"]
    for topic in p.TOPICS:
        for category in comments:
            assert abs(share[topic][category] - planted[topic][category]) < 0.1, (topic, category)
    assert sentiments["promoter"]["positive"] > 5 * sentiments["promoter"]["negative"]
    assert sentiments["detractor"]["negative"] > 5 * sentiments["detractor"]["positive"]
    assert sum(planted[t]["detractor"] for t in p.TOPICS) == pytest.approx(
        sum(n / comments["detractor"] for n in (mentions[t]["detractor"] for t in p.TOPICS)),
        abs=0.2,
    )


# --- money outside invoices ---------------------------------------------------------------------


def test_spend_and_costs_follow_the_planted_rates(demo):
    _, _, truth, con = demo
    ratio = con.execute(
        """
        with spend as (select channel, sum(cast(amount as double)) as spend from marketing_spend group by 1),
             new as (select acquisition_channel as channel, count(*) as n from customers group by 1)
        select channel, spend / n from spend join new using (channel)
        """
    ).fetchall()
    for channel, cac in ratio:
        assert cac == pytest.approx(truth["cac_by_channel"][channel], rel=0.1), channel
    per_new = truth["service_cost_per_customer"]["onboarding_per_new_customer"]
    assert set(per_new) == set(p.SEGMENTS)
    cost = " ".join(f"when '{s}' then {v}" for s, v in per_new.items())
    onboarding = con.execute(
        f"""
        select s.month, cast(s.amount as double),
               coalesce(sum(case c.segment {cost} end), 0), count(c.customer_id)
        from service_costs s left join customers c
          on date_trunc('month', c.signup_date) = cast(s.month as date)
        where s.cost_type = 'onboarding' group by all
        """
    ).fetchall()
    # onboarding is booked per new customer at the rate of their segment
    assert all(amount == pytest.approx(expected) for _, amount, expected, _ in onboarding)
    assert sum(n for *_, n in onboarding) == CUSTOMERS
    support = scalar(
        con, "select max(cast(amount as double)) from service_costs where cost_type = 'support'"
    )
    assert support > 0


# --- ground truth -----------------------------------------------------------------------------


def test_ground_truth_states_the_planted_parameters(demo):
    _, _, truth, _ = demo
    assert truth["seed"] == 42 and truth["customers"] == CUSTOMERS
    assert truth["reporting_currency"] == "EUR"
    hazard = truth["churn"]["monthly_hazard"]
    assert hazard["detractor"] > hazard["passive"] > hazard["promoter"]
    for k in ("3", "6", "12"):
        for category, value in truth["churn"]["expected_churn_by_horizon"][k].items():
            assert value == pytest.approx(1 - math.exp(-int(k) * hazard[category]), abs=1e-6)
    assert truth["spend_to_acquisition_lag_months"] == 0
    assert set(truth["cac_by_channel"]) == set(p.CHANNELS)
    assert set(truth["topic_mention_probability"]) == set(p.TOPICS)
    assert truth["languages"] == list(p.LANGUAGES)
    assert set(truth["quarantine_expected"]) == set(ENTITY_ORDER)


def test_churn_after_a_response_matches_the_planted_hazards(tmp_path: Path):
    """Memoryless lifetimes: churn k months after ANY response is 1 - exp(-k * hazard)."""
    generate(tmp_path, customers=3000, seed=7, dirty=False)
    truth = json.loads((tmp_path / "ground_truth.json").read_text())
    realized = truth["realized"]["churn_by_horizon"]["12"]
    expected = truth["churn"]["expected_churn_by_horizon"]["12"]
    assert (
        realized["detractor"]["churn_rate"]
        > realized["passive"]["churn_rate"]
        > realized["promoter"]["churn_rate"]
    )
    for category, value in expected.items():
        assert realized[category]["responses"] > 300
        assert abs(realized[category]["churn_rate"] - value) < 0.06, category


# --- chunking, overwrite, CLI -----------------------------------------------------------------


def test_chunk_size_changes_the_draws_but_not_the_shape(tmp_path: Path, demo):
    _, report, truth, _ = demo
    generate(tmp_path, customers=CUSTOMERS, seed=42, chunk_size=CUSTOMERS)  # one chunk
    single = json.loads((tmp_path / "ground_truth.json").read_text())
    assert single["realized"]["files"] == truth["realized"]["files"]
    for entity in ("subscriptions", "invoices", "feedback"):
        rows, chunked = single["realized"]["rows"][entity], report["rows"][entity]
        assert abs(rows - chunked) / chunked < 0.3, entity
    con = open_landing(tmp_path)
    ids = [r[0] for r in con.execute("select customer_id from customers").fetchall()]
    assert ids == [f"C{i:07d}" for i in range(CUSTOMERS)]  # ids do not depend on the chunking
    con.close()


def test_refuses_to_write_into_a_non_empty_entity_folder(tmp_path: Path):
    landing = tmp_path / "landing"
    (landing / "feedback").mkdir(parents=True)
    (landing / "feedback" / "mine.jsonl").write_text("{}\n")
    (landing / "notes").mkdir()
    (landing / "notes" / "keep.txt").write_text("not the generator's")
    with pytest.raises(FileExistsError, match=r"feedback"):
        generate(landing, customers=30)
    assert (landing / "feedback" / "mine.jsonl").exists()
    generate(landing, customers=30, overwrite=True)
    assert not (landing / "feedback" / "mine.jsonl").exists()
    assert (landing / "notes" / "keep.txt").read_text() == "not the generator's"
    with pytest.raises(FileExistsError):
        generate(landing, customers=30)


def test_cli_prints_progress_and_a_summary(tmp_path: Path, capsys):
    landing = tmp_path / "landing"
    argv = [
        "--landing-dir",
        str(landing),
        "--customers",
        "120",
        "--chunk-size",
        "50",
        "--clean-only",
    ]
    assert cli_main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out[:3]] == ["chunk 1/3", "chunk 2/3", "chunk 3/3"]
    assert out[-1].startswith("done: 120 customers (seed 42)")
    assert not list(landing.rglob("zz_dirty.csv"))
    truth = json.loads((landing / "ground_truth.json").read_text())
    assert all(counts == {} for counts in truth["quarantine_expected"].values())
    assert cli_main(argv) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert cli_main([*argv, "--overwrite", "--as-of", "2025-06-30"]) == 0
    truth = json.loads((landing / "ground_truth.json").read_text())
    assert truth["as_of_date"] == "2025-06-30"
