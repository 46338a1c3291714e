"""The postgres kind against a real PostgreSQL server (tests/sources/postgres_server.py): the
known account in an app's billing tables, incremental reads on (cursor, key), full reload,
renamed columns, refused values and connection errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cxlink.extract.ledger import read_source_ledger
from cxlink.settings import Settings
from cxlink.sources.config import load_sources
from cxlink.sources.kinds.postgres import fetch_table
from cxlink.sources.kinds.postgres_map import as_text, map_rows
from cxlink.sources.kinds.postgres_spec import parse_spec, table_specs
from cxlink.sources.model import FetchContext
from cxlink.sources.options import SourceConfigError
from cxlink.sources.rows import SourceError
from tests.sources import postgres_server
from tests.sources.harness import (
    assert_same_contract_rows,
    connect,
    extract_all,
    quarantined,
    run_source,
    staged,
    write_known_contract_files,
    write_sources,
)
from tests.sources.postgres_billing import (
    DRAFT_ID,
    IMPORTED_AT,
    insert_line,
    load_known_account,
    source_entry,
)
from tests.sources.postgres_server import pg_server_fixture  # noqa: F401 (the pg_server fixture)

FED = ["customers", "subscriptions", "invoices"]
OTHERS = ["feedback", "marketing_spend", "service_costs", "fx_rates"]
pytestmark = pytest.mark.xdist_group("postgres")  # one worker, one server


@pytest.fixture
def billing(pg_server, request):
    """A fresh database with the known account's billing tables; its DSN."""
    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:50]
    dsn = pg_server.create_database(name)
    load_known_account(dsn)
    return dsn


def setup_source(tmp_path, dsn, batch_size=5000, entities=None):
    data_dir = tmp_path / "data"
    write_sources(data_dir, [source_entry(batch_size, entities)])
    write_known_contract_files(data_dir, OTHERS)
    return data_dir, {"BILLING_DB_DSN": dsn}


def assert_balanced(data_dir):
    con = connect(data_dir, read_only=True)
    try:
        ledger = [r for r in read_source_ledger(con) if r.origin == "billing_db"]
    finally:
        con.close()
    assert {r.entity for r in ledger} == set(FED)
    assert all(r.balanced for r in ledger), ledger


def test_known_account_through_billing_tables(billing, tmp_path):
    data_dir, env = setup_source(tmp_path, billing, batch_size=7)
    report = run_source(data_dir, "billing_db", env=env)
    assert report.fetched == {"customers": 7, "subscriptions": 7, "invoices": 98}
    assert report.pages["invoices"] == 14  # 98 rows, 7 per page, one server-side cursor
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, FED, tmp_path)
    (draft,) = quarantined(data_dir, "invoices")
    assert (draft["source"], draft["source_record"], draft["rule"]) == (
        "billing_db",
        DRAFT_ID,
        "excluded_value",
    )
    assert "status = 'draft'" in draft["detail"]
    assert draft["source_file"] == "billing_db/database/invoices"
    assert_balanced(data_dir)


def test_rerun_reads_nothing_new_and_changes_only_what_changed(billing, pg_server, tmp_path):
    data_dir, env = setup_source(tmp_path, billing, batch_size=10)
    run_source(data_dir, "billing_db", env=env)
    before = {e: staged(data_dir, e) for e in FED}

    again = run_source(data_dir, "billing_db", env=env)
    assert again.fetched == {"customers": 0, "subscriptions": 0, "invoices": 0}
    assert {e: staged(data_dir, e) for e in FED} == before

    # Two new lines, one of them at the very instant of the stored cursor (a tie, larger id).
    with pg_server_connection(billing) as con:
        insert_line(con, 9501, 1, 101, "2025-02-01 03:00:00+00", 10000, "eur", "recurring")
        insert_line(con, 2002, 3, None, "2025-02-02 10:00:00+00", 4550, "eur", "one_off",
                    updated_at="2025-02-02 10:00:00+00")  # fmt: skip
    new = run_source(data_dir, "billing_db", env=env)
    assert new.fetched == {"customers": 0, "subscriptions": 0, "invoices": 2}
    assert len(staged(data_dir, "invoices")) == len(before["invoices"]) + 2

    # An UPDATE with a newer cursor value is read again, and only that row.
    pg_server.execute(
        billing,
        "update billing.invoice_lines set amount_cents = 12345, updated_at = now() where id = 9501",
    )
    changed = run_source(data_dir, "billing_db", env=env)
    assert changed.fetched == {"customers": 0, "subscriptions": 0, "invoices": 1}
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    try:
        amounts = dict(
            con.execute(
                "select invoice_id, amount from raw.invoices where invoice_id in ('9501', '2002')"
            ).fetchall()
        )
    finally:
        con.close()
    assert {k: str(v) for k, v in amounts.items()} == {"9501": "123.4500", "2002": "45.5000"}
    assert_balanced(data_dir)


def pg_server_connection(dsn):
    import psycopg

    return psycopg.connect(dsn, autocommit=True)


def test_interrupted_run_resumes_after_the_last_stored_page_even_inside_a_tie(billing, tmp_path):
    """Every line shares one updated_at: the (cursor, key) position still splits them exactly."""
    data_dir, env = setup_source(tmp_path, billing, batch_size=10, entities=("invoices",))
    source = load_sources(data_dir / "sources.yml").by_name("billing_db")
    spec = table_specs("test", source)["invoices"]
    context = FetchContext(source=source, log=lambda _: None, env=env)
    pages = fetch_table(source, spec, context, None)
    first, second = next(pages), next(pages)
    pages.close()  # the run dies after two stored pages
    assert json.loads(second.cursor) == [
        "2025-01-31T18:00:00Z",
        str(second.objects[-1][1]["id"]),
    ]
    rest = [o for batch in fetch_table(source, spec, context, second.cursor) for o in batch.objects]
    ids = [i for i, _ in first.objects + second.objects + rest]
    assert len(ids) == len(set(ids)) == 98  # 97 lines and the draft, each once
    assert json.loads(second.cursor)[0] == IMPORTED_AT.replace(" ", "T").replace("+00", "Z")


def test_full_reload_sees_deletions(billing, pg_server, tmp_path):
    data_dir, env = setup_source(tmp_path, billing)
    run_source(data_dir, "billing_db", env=env)
    pg_server.execute(billing, "delete from billing.invoice_lines where id = %s", [DRAFT_ID])
    incremental = run_source(data_dir, "billing_db", env=env)
    assert incremental.fetched["invoices"] == 0 and incremental.staged["invoices"] == 98
    full = run_source(data_dir, "billing_db", env=env, full_reload=True)
    assert full.fetched == {"customers": 7, "subscriptions": 7, "invoices": 97}
    assert full.dropped_unseen == 1 and full.staged["invoices"] == 97
    extract_all(data_dir)
    assert quarantined(data_dir, "invoices") == []
    assert_same_contract_rows(data_dir, FED, tmp_path)


def test_renamed_column_fails_the_source_naming_the_column(billing, pg_server, tmp_path):
    data_dir, env = setup_source(tmp_path, billing)
    pg_server.execute(billing, "alter table billing.accounts rename column plan to tier")
    with pytest.raises(SourceError) as error:
        run_source(data_dir, "billing_db", env=env)
    message = str(error.value)
    assert message.startswith("source billing_db: customers (table billing.accounts)")
    assert "has no column plan (renamed or dropped?)" in message and "tier" in message
    assert "update tables.customers" in message

    # In a query, PostgreSQL itself names the column.
    pg_server.execute(billing, "alter table billing.accounts rename column tier to plan")
    pg_server.execute(
        billing, "alter table billing.subscription_periods rename column mrr_cents to mrr_minor"
    )
    with pytest.raises(SourceError) as error:
        run_source(data_dir, "billing_db", env=env)
    message = str(error.value)
    assert message.startswith("source billing_db: subscriptions (its query)")
    assert "column p.mrr_cents does not exist" in message
    assert "tables.subscriptions.query" in message


def test_refused_and_invalid_values_are_quarantined_with_source_id_and_rule(
    billing, pg_server, tmp_path
):
    data_dir, env = setup_source(tmp_path, billing)
    with pg_server_connection(billing) as con:
        insert_line(con, 3001, 1, 101, "2025-02-01 03:00:00+00", 100, "eur", "mystery")
        insert_line(con, 3002, 1, 101, "2025-02-01 03:00:00+00", 100, "euro", "recurring")
        con.execute("update billing.subscription_periods set mrr_cents = -1 where id = 104")
    run_source(data_dir, "billing_db", env=env)
    extract_all(data_dir)
    found = {
        (q["source"], q["source_record"], q["rule"]) for q in quarantined(data_dir, "invoices")
    }
    assert ("billing_db", "3001", "unmapped_value") in found
    assert ("billing_db", DRAFT_ID, "excluded_value") in found
    assert any(r == "3002" and rule == "unknown_currency" for _, r, rule in found), found
    (negative,) = quarantined(data_dir, "subscriptions")
    assert (negative["source"], negative["source_record"], negative["rule"]) == (
        "billing_db",
        "104",
        "negative_mrr",
    )
    assert_balanced(data_dir)


def test_connection_and_sql_errors_name_source_entity_and_fix_never_the_password(
    billing, pg_server, tmp_path
):
    data_dir, _ = setup_source(tmp_path, billing)
    with pytest.raises(SourceError, match=r"environment variable BILLING_DB_DSN .* is not set"):
        run_source(data_dir, "billing_db", env={"BILLING_DB_DSN": ""})
    wrong = billing.replace(pg_server.password, "not-the-password-42")
    with pytest.raises(SourceError) as error:
        run_source(data_dir, "billing_db", env={"BILLING_DB_DSN": wrong})
    message = str(error.value)
    assert "source billing_db: cannot read customers from postgres@127.0.0.1" in message
    assert "password authentication failed" in message and "$BILLING_DB_DSN" in message
    assert "not-the-password-42" not in message and pg_server.password not in message

    closed = billing.replace(f":{pg_server.port}/", ":1/")
    with pytest.raises(
        SourceError, match=re.escape("cannot read customers from postgres@127.0.0.1:1/")
    ):
        run_source(data_dir, "billing_db", env={"BILLING_DB_DSN": closed})

    pg_server.execute(billing, "alter table billing.accounts rename to customer_accounts")
    with pytest.raises(SourceError) as error:
        run_source(data_dir, "billing_db", env={"BILLING_DB_DSN": billing})
    message = str(error.value)
    assert "customers (table billing.accounts)" in message and "does not exist" in message
    assert pg_server.password not in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"cursr": "updated_at"}, "tables.invoices: unknown key(s) cursr"),
        ({"key": None}, "tables.invoices: key must be"),
        ({"table": "billing.invoice_lines"}, "give exactly one of table"),
        ({"columns": {"amount_eur": "x"}}, "'amount_eur' is not a invoices contract column"),
        ({"divide": {"currency": 100}}, "divide.currency: only decimal columns"),
        ({"divide": {"amount": 0}}, "divide.amount must be a positive number"),
        ({"cursor": None, "lookback": "1 hour"}, "lookback needs a cursor column"),
        ({"values": {"line_type": ["new"]}}, "values.line_type must be a mapping"),
    ],
)
def test_bad_tables_option_fails_at_start_naming_source_entity_and_key(tmp_path, change, expected):
    entry = source_entry(entities=("invoices",))
    entry["tables"]["invoices"].update(change)
    write_sources(tmp_path, [entry])
    with pytest.raises(
        SourceConfigError, match=re.escape("source billing_db: tables.invoices")
    ) as error:
        load_sources(tmp_path / "sources.yml")
    assert expected in str(error.value)


def test_tables_must_match_entities(tmp_path):
    entry = source_entry(entities=("invoices",))
    entry["entities"] = ["invoices", "customers"]
    write_sources(tmp_path, [entry])
    with pytest.raises(SourceConfigError, match="tables has no entry for customers"):
        load_sources(tmp_path / "sources.yml")


def test_a_big_table_streams_through_a_server_side_cursor_in_batches(billing, pg_server, tmp_path):
    """20,000 fx rates with a composite key, one cursor value: 4 pages of 5,000 fetched from a
    named cursor (the server shows FETCH FORWARD while the run holds page 1)."""
    pg_server.execute(
        billing,
        "create table billing.fx as select d::date as day, c as currency, 0.9 as rate, "
        "timestamptz '2025-01-01 00:00+00' as updated_at from generate_series("
        "date '1990-01-01', date '1990-01-01' + 9999, interval '1 day') as d, "
        "(values ('usd'), ('sek')) as v(c)",
    )
    entry = {
        "name": "rates_db",
        "kind": "postgres",
        "entities": ["fx_rates"],
        "dsn_env": "RATES_DSN",
        "tables": {
            "fx_rates": {
                "table": "billing.fx",
                "key": ["day", "currency"],
                "cursor": "updated_at",
                "columns": {"date": "day", "rate_to_reporting": "rate"},
            }
        },
    }
    data_dir = tmp_path / "data"
    write_sources(data_dir, [entry])
    source = load_sources(data_dir / "sources.yml").by_name("rates_db")
    lines: list[str] = []
    context = FetchContext(source=source, log=lines.append, env={"RATES_DSN": billing})
    pages = fetch_table(source, table_specs("test", source)["fx_rates"], context, None)
    first = next(pages)
    with pg_server_connection(billing) as con:
        (activity,) = con.execute(
            "select query from pg_stat_activity where application_name = 'cxlink' "
            "and datname = current_database()"
        ).fetchone()
    pages.close()
    assert activity.startswith('FETCH FORWARD 5000 FROM "cxlink_fx_rates"'), activity
    assert len(first.objects) == 5000 and first.objects[0][0] == "1990-01-01|sek"
    assert any("reading table billing.fx from postgres@127.0.0.1" in line for line in lines)
    assert not any(pg_server.password in line for line in lines)

    report = run_source(data_dir, "rates_db", env={"RATES_DSN": billing})
    assert report.pages == {"fx_rates": 4} and report.staged == {"fx_rates": 20000}
    again = run_source(data_dir, "rates_db", env={"RATES_DSN": billing})
    assert again.fetched == {"fx_rates": 0}


def test_values_become_contract_text():
    from datetime import UTC, date, datetime, timedelta, timezone
    from decimal import Decimal

    helsinki = timezone(timedelta(hours=2))
    assert as_text(datetime(2024, 3, 1, 5, 0, tzinfo=helsinki)) == "2024-03-01T03:00:00Z"
    assert (
        as_text(datetime(2024, 3, 1, 5, 0, 0, 120000, tzinfo=UTC)) == "2024-03-01T05:00:00.120000Z"
    )
    assert as_text(datetime(2024, 3, 1, 5, 0)) == "2024-03-01T05:00:00"
    assert as_text(date(2024, 3, 1)) == "2024-03-01"
    assert as_text(Decimal("1E+2")) == "100" and as_text(Decimal("12.50")) == "12.50"
    assert as_text(0.1) == "0.1" and as_text(1e-7) == "0.0000001"
    assert as_text(True) == "true" and as_text(None) is None
    assert as_text({"b": 1, "a": [2]}) == '{"a": [2], "b": 1}'


def test_mapping_refuses_rows_without_a_key_and_scales_exactly():
    spec = parse_spec(
        "test",
        "subscriptions",
        {
            "query": "select 1",
            "key": "id",
            "columns": {"subscription_id": "id", "customer_id": "acct", "mrr": "cents"},
            "divide": {"mrr": 100},
            "values": {"plan_tier": {"basic": "starter"}},
            "constants": {"currency": "eur"},
        },
    )
    base = {"acct": "P1", "cents": "12345", "plan_tier": "basic", "period_start": "2024-01-01"}
    ok, missing = map_rows("db", spec, [{"id": "7", **base}, {"id": None, **base}])
    assert ok.rule is None and ok.record_id == "7"
    assert ok.values["mrr"] == "123.45" and ok.values["plan_tier"] == "starter"
    assert ok.values["currency"] == "EUR" and ok.values["period_start"] == "2024-01-01"
    assert (missing.rule, missing.record_id) == ("missing_key", "(no id)")
    assert "key id is NULL" in missing.detail


def test_lookback_catches_a_late_commit_that_the_plain_cursor_misses(billing, tmp_path):
    """A transaction that set updated_at before the stored cursor but committed after the read:
    invisible to (cursor, key) > stored; `lookback` re-reads a window before the cursor."""
    data_dir, env = setup_source(tmp_path, billing, entities=("invoices",))
    run_source(data_dir, "billing_db", env=env)
    with pg_server_connection(billing) as con:
        insert_line(con, 4001, 2, None, "2025-01-31 17:00:00+00", 999, "usd", "one_off",
                    updated_at="2025-01-31 17:30:00+00")  # fmt: skip
    missed = run_source(data_dir, "billing_db", env=env)
    assert missed.fetched == {"invoices": 0} and missed.staged == {"invoices": 98}

    entry = source_entry(entities=("invoices",))
    entry["tables"]["invoices"]["lookback"] = "1 hour"
    write_sources(data_dir, [entry])
    caught = run_source(data_dir, "billing_db", env=env)
    assert caught.fetched == {"invoices": 99}  # the window: the bulk import and the late line
    assert caught.staged == {"invoices": 99}
    before = staged(data_dir, "invoices")
    again = run_source(data_dir, "billing_db", env=env)
    assert again.fetched == {"invoices": 99} and staged(data_dir, "invoices") == before


def test_missing_server_binaries_fail_with_the_fix(monkeypatch):
    monkeypatch.setattr(postgres_server.glob, "glob", lambda _: [])
    monkeypatch.setattr(postgres_server.shutil, "which", lambda _: None)
    with pytest.raises(postgres_server.PostgresUnavailable, match="make postgres-server"):
        postgres_server.PostgresServer()


def test_the_dagster_source_asset_loads_and_full_reloads_by_run_config(
    billing, pg_server, tmp_path, monkeypatch
):
    """source/billing_db as `make run` materializes it, and `full_reload: true` as the docs say."""
    import dagster as dg

    from orchestration.assets.sources import build_source_asset
    from orchestration.resources import Warehouse

    data_dir, _ = setup_source(tmp_path, billing)
    monkeypatch.setenv("BILLING_DB_DSN", billing)
    asset = build_source_asset(load_sources(data_dir / "sources.yml").by_name("billing_db"))
    resources = {
        "warehouse": Warehouse(data_dir=str(data_dir)),
        "settings": Settings(data_dir=Path(data_dir)),
    }
    first = dg.materialize([asset], resources=resources)
    (materialized,) = first.asset_materializations_for_node("source__billing_db")
    assert materialized.metadata["objects_fetched"].value == 7 + 7 + 98

    pg_server.execute(billing, "delete from billing.invoice_lines where id = %s", [DRAFT_ID])
    reload = dg.materialize(
        [asset],
        resources=resources,
        run_config={"ops": {"source__billing_db": {"config": {"full_reload": True}}}},
    )
    (materialized,) = reload.asset_materializations_for_node("source__billing_db")
    assert materialized.metadata["objects_fetched"].value == 7 + 7 + 97
    assert materialized.metadata["rows_refused_by_source_rules"].value == 0


def test_a_query_may_use_percent_signs(billing, tmp_path):
    entry = source_entry(entities=("customers",))
    customers = entry["tables"]["customers"]
    del customers["table"]
    customers["query"] = "select * from billing.accounts where code like '%1' or code like 'N%';"
    data_dir = tmp_path / "data"
    write_sources(data_dir, [entry])
    env = {"BILLING_DB_DSN": billing}
    assert run_source(data_dir, "billing_db", env=env).fetched == {"customers": 5}
    assert run_source(data_dir, "billing_db", env=env).fetched == {"customers": 0}
