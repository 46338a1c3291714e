"""The delighted kind against a local Delighted API: known answer, pages, auth, faults,
incremental reruns, full reload and bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cxlink.demo.vendor_api.server import VendorServer, basic
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.options import SourceConfigError
from cxlink.sources.rows import SourceError
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

FIXTURES = Path(__file__).parent / "fixtures" / "delighted"
PATH = "/v1/survey_responses.json"
KEY = "dk_test_1"
ENV = {"DELIGHTED_API_KEY": KEY}
OTHERS = ["customers", "subscriptions", "invoices", "marketing_spend", "service_costs", "fx_rates"]


def responses(name: str) -> list[dict]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def serve(server: VendorServer, data: list[dict]) -> None:
    """GET /v1/survey_responses.json as Delighted answers it: updated_since (inclusive),
    order=asc:updated_at, page / per_page (max 100), expand[]=person."""

    def handler(req):
        since = int(req.arg("updated_since", "0"))
        per_page = min(int(req.arg("per_page", "20")), 100)
        page = int(req.arg("page", "1"))
        stamp = lambda r: r["updated_at"] if r["updated_at"] is not None else r["created_at"]  # noqa: E731
        rows = sorted((r for r in data if stamp(r) >= since), key=lambda r: (stamp(r), r["id"]))
        chosen = copy.deepcopy(rows[(page - 1) * per_page : page * per_page])
        if req.arg("expand[]") != "person":
            for r in chosen:
                if isinstance(r["person"], dict):
                    r["person"] = r["person"]["id"]
        return 200, chosen

    server.route("GET", PATH, handler)


def setup(tmp_path: Path, server: VendorServer, **options) -> Path:
    data_dir = tmp_path / "data"
    entry = {"name": "delighted", "kind": "delighted", "entities": ["feedback"]}
    write_sources(data_dir, [{**entry, "base_url": server.url, "per_page": 4, **options}])
    write_known_contract_files(data_dir, OTHERS)
    return data_dir


def test_known_account_through_delighted(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, responses("known_account.json"))
        data_dir = setup(tmp_path, server)
        report = run_source(data_dir, "delighted", env=ENV)
        assert report.fetched == {"survey_responses": 10}
        # 4 + 3 + 3 new, then a short page ends the walk (updated_since is inclusive, so each
        # page starts with the last response of the page before, which is skipped)
        assert report.pages["survey_responses"] == 4
        calls = server.calls(PATH)
        stamps = sorted(r["updated_at"] for r in responses("known_account.json"))
        expected = [None, *(str(stamps[k]) for k in (3, 6, 9))]
        assert [c.arg("updated_since") for c in calls] == expected
        assert all(c.arg("page") == "1" and c.arg("expand[]") == "person" for c in calls)
        assert all(c.arg("per_page") == "4" and c.arg("order") == "asc:updated_at" for c in calls)
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, ["feedback"], tmp_path)
    con = connect(data_dir, read_only=True)
    ledger = [r for r in read_source_ledger(con) if r.origin == "delighted"]
    con.close()
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(10, 10, 0)]


def test_wrong_key_is_a_clear_error(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, responses("known_account.json"))
        data_dir = setup(tmp_path, server)
        with pytest.raises(SourceError, match=r"HTTP 401.*DELIGHTED_API_KEY"):
            run_source(data_dir, "delighted", env={"DELIGHTED_API_KEY": "wrong"})


def test_rate_limit_and_transient_error_are_survived(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, responses("known_account.json"))
        server.fail_next(PATH, 429, retry_after=1)
        server.fail_next(PATH, 500)
        data_dir = setup(tmp_path, server)
        report = run_source(data_dir, "delighted", env=ENV)
        assert report.fetched == {"survey_responses": 10}
        statuses = len([r for r in server.requests if r.path == PATH])
        assert statuses == 6  # 429, 500, then four pages


def test_rerun_fetches_nothing_new_and_a_new_page_loads_alone(tmp_path):
    data = responses("known_account.json")
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, data)
        data_dir = setup(tmp_path, server)
        run_source(data_dir, "delighted", env=ENV)
        before = staged(data_dir, "feedback")
        latest = max(r["updated_at"] for r in data)

        server.requests.clear()
        again = run_source(data_dir, "delighted", env=ENV)
        assert again.fetched == {"survey_responses": 0}
        assert [c.arg("updated_since") for c in server.calls(PATH)] == [str(latest)]
        assert staged(data_dir, "feedback") == before

        new = copy.deepcopy(data[:4])
        for k, r in enumerate(new):
            r["id"], r["created_at"] = str(8201 + k), latest + 100 + k
            r["updated_at"] = r["created_at"]
        data.extend(new)
        server.requests.clear()
        third = run_source(data_dir, "delighted", env=ENV)
        assert third.fetched == {"survey_responses": 4}
        assert len(staged(data_dir, "feedback")) == 14

        full = run_source(data_dir, "delighted", env=ENV, full_reload=True)
        assert full.fetched == {"survey_responses": 14} and full.dropped_unseen == 0
        assert "updated_since" not in server.calls(PATH)[-5].query  # from the start again


def test_bad_records_are_quarantined_with_their_rule(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, responses("known_account.json") + responses("awkward.json"))
        data_dir = setup(tmp_path, server)
        run_source(data_dir, "delighted", env=ENV)
    extract_all(data_dir)
    got = {(q["source"], q["source_record"], q["rule"]) for q in quarantined(data_dir, "feedback")}
    assert got == {
        ("delighted", "9002", "unsupported_survey_type"),
        ("delighted", "9003", "missing_customer_id"),
        ("delighted", "9004", "missing_score"),
        ("delighted", "9005", "score_out_of_range"),
    }
    con = connect(data_dir, read_only=True)
    csat = con.execute(
        "select survey_type, score, channel, language, comment from raw.feedback "
        "where response_id = '9001'"
    ).fetchone()
    ledger = [r for r in read_source_ledger(con) if r.origin == "delighted"]
    con.close()
    assert csat == ("csat", 4, "sms", "fi", "Toimitus oli nopea, kiitos!")
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(15, 11, 4)]


def test_malformed_page_fails_the_source(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        server.route("GET", PATH, lambda req: (200, {"status": 200, "responses": []}))
        data_dir = setup(tmp_path, server)
        with pytest.raises(SourceError, match="malformed page"):
            run_source(data_dir, "delighted", env=ENV)


def test_survey_types_option_maps_a_five_point_scale(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, responses("awkward.json")[1:2])
        data_dir = setup(tmp_path, server, survey_types={"smileys": "csat"})
        run_source(data_dir, "delighted", env=ENV)
    assert staged(data_dir, "feedback")[0][3:5] == ("csat", "3")


def test_bad_customer_option_fails_at_start(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        data_dir = setup(tmp_path, server, customer_id_from="person.nickname")
        with pytest.raises(SourceConfigError, match="customer_id_from"):
            run_source(data_dir, "delighted", env=ENV)
        assert server.requests == []


def test_a_response_updated_during_the_walk_shifts_nothing_away(tmp_path):
    data = responses("known_account.json")
    first = min(data, key=lambda r: r["updated_at"])
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, data)

        def bump_after_first_page(req):
            if len(server.calls(PATH)) == 1:  # a note added to the oldest response meanwhile
                first["updated_at"] = max(r["updated_at"] for r in data) + 50
            return served(req)

        served = server.routes[("GET", PATH)]
        server.route("GET", PATH, bump_after_first_page)
        data_dir = setup(tmp_path, server)
        report = run_source(data_dir, "delighted", env=ENV)
    assert len({r[0] for r in staged(data_dir, "feedback")}) == 10
    assert report.fetched["survey_responses"] == 11  # the bumped response twice, none lost


def test_more_responses_in_one_second_than_a_page(tmp_path):
    data = responses("known_account.json")
    for r in data:
        r["updated_at"] = 1735689600
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, data)
        data_dir = setup(tmp_path, server)
        report = run_source(data_dir, "delighted", env=ENV)
        assert [c.arg("page") for c in server.calls(PATH)] == ["1", "1", "2", "3"]
        assert report.fetched["survey_responses"] == 10
        server.requests.clear()
        assert run_source(data_dir, "delighted", env=ENV).fetched["survey_responses"] == 0
