"""The typeform kind against a local Typeform Responses API: known answer, pages, auth, faults,
incremental reruns, full reload and bad input."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

from cxlink.demo.vendor_api.server import VendorServer, bearer
from cxlink.extract.ledger import read_source_ledger
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

FIXTURES = Path(__file__).parent / "fixtures" / "typeform"
FORM = "Xq7Ln2"
PATH = f"/forms/{FORM}/responses"
TOKEN = "tfp_test_1"
ENV = {"TYPEFORM_TOKEN": TOKEN}
OTHERS = ["customers", "subscriptions", "invoices", "marketing_spend", "service_costs", "fx_rates"]


def responses(name: str) -> list[dict]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def serve(server: VendorServer, data: list[dict]) -> None:
    """``data`` in the order Typeform processed the responses. ``after`` (exclusive, processing
    order, not combinable with ``sort``) or ``sort=submitted_at,asc``; ``page_size`` <= 1000."""

    def handler(req):
        size = min(int(req.arg("page_size", "25")), 1000)
        after = req.arg("after")
        if after and req.arg("sort"):
            return 400, {
                "code": "VALIDATION_ERROR",
                "description": "after cannot be used with sort",
            }
        if after:
            tokens = [r["token"] for r in data]
            rest = data[tokens.index(after) + 1 :]
        else:
            rest = sorted(data, key=lambda r: r["submitted_at"] or r["landed_at"])
        return 200, {
            "total_items": len(rest),
            "page_count": math.ceil(len(rest) / size),
            "items": copy.deepcopy(rest[:size]),
        }

    server.route("GET", PATH, handler)


def setup(tmp_path: Path, server: VendorServer, **options) -> Path:
    data_dir = tmp_path / "data"
    entry = {"name": "typeform", "kind": "typeform", "entities": ["feedback"], "form_id": FORM}
    write_sources(
        data_dir, [{**entry, "base_url": server.url, "page_size": 4, "channel": "email", **options}]
    )
    write_known_contract_files(data_dir, OTHERS)
    return data_dir


def ledger(data_dir: Path) -> list[tuple]:
    con = connect(data_dir, read_only=True)
    try:
        rows = [r for r in read_source_ledger(con) if r.origin == "typeform"]
        return [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in rows]
    finally:
        con.close()


def test_known_account_through_typeform(tmp_path):
    data = responses("known_account.json")
    with VendorServer(auth=bearer(TOKEN)) as server:
        serve(server, data)
        data_dir = setup(tmp_path, server)
        report = run_source(data_dir, "typeform", env=ENV)
        assert report.fetched == {"responses": 10} and report.pages == {"responses": 3}
        calls = server.calls(PATH)
        assert [c.arg("sort") for c in calls] == ["submitted_at,asc", None, None]
        assert [c.arg("after") for c in calls] == [None, data[3]["token"], data[7]["token"]]
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, ["feedback"], tmp_path)
    assert ledger(data_dir) == [(10, 10, 0)]


def test_wrong_token_is_a_clear_error(tmp_path):
    with VendorServer(auth=bearer(TOKEN)) as server:
        serve(server, responses("known_account.json"))
        data_dir = setup(tmp_path, server)
        with pytest.raises(SourceError, match=r"HTTP 401.*TYPEFORM_TOKEN"):
            run_source(data_dir, "typeform", env={"TYPEFORM_TOKEN": "expired"})


def test_rate_limit_and_transient_error_are_survived(tmp_path):
    with VendorServer(auth=bearer(TOKEN)) as server:
        serve(server, responses("known_account.json"))
        server.fail_next(PATH, 429, retry_after=1)
        server.fail_next(PATH, 503)
        data_dir = setup(tmp_path, server)
        assert run_source(data_dir, "typeform", env=ENV).fetched == {"responses": 10}
        assert len([r for r in server.requests if r.path == PATH]) == 5


def test_rerun_fetches_nothing_new_and_a_new_page_loads_alone(tmp_path):
    data = responses("known_account.json")
    with VendorServer(auth=bearer(TOKEN)) as server:
        serve(server, data)
        data_dir = setup(tmp_path, server)
        run_source(data_dir, "typeform", env=ENV)
        before = staged(data_dir, "feedback")

        server.requests.clear()
        assert run_source(data_dir, "typeform", env=ENV).fetched == {"responses": 0}
        assert [c.arg("after") for c in server.calls(PATH)] == [data[-1]["token"]]
        assert staged(data_dir, "feedback") == before

        new = copy.deepcopy(data[:4])
        for k, r in enumerate(new):
            r["token"] = r["response_id"] = r["landing_id"] = f"new{k}"
            r["submitted_at"] = f"2025-01-0{k + 1}T08:00:00Z"
        data.extend(new)
        server.requests.clear()
        third = run_source(data_dir, "typeform", env=ENV)
        assert third.fetched == {"responses": 4}
        assert server.calls(PATH)[0].arg("after") == data[9]["token"]
        assert len(staged(data_dir, "feedback")) == 14

        full = run_source(data_dir, "typeform", env=ENV, full_reload=True)
        assert full.fetched == {"responses": 14} and full.dropped_unseen == 0


def test_bad_records_are_quarantined_with_their_rule(tmp_path):
    with VendorServer(auth=bearer(TOKEN)) as server:
        serve(server, responses("known_account.json") + responses("awkward.json"))
        data_dir = setup(tmp_path, server, language="de")
        run_source(data_dir, "typeform", env=ENV)
    extract_all(data_dir)
    got = {(q["source"], q["source_record"], q["rule"]) for q in quarantined(data_dir, "feedback")}
    assert got == {
        ("typeform", "aw02h3k8s1d6f0g2", "unfinished_response"),
        ("typeform", "aw03q7w2e9r4t1y3", "missing_customer_id"),
        ("typeform", "aw04z6x1c8v3b5n4", "missing_score"),
    }
    con = connect(data_dir, read_only=True)
    row = con.execute(
        "select customer_id, score, comment, language from raw.feedback "
        "where response_id = 'aw01p9c2u7n4b8m1'"
    ).fetchone()
    con.close()
    assert row == ("N2", 6, "Der Preis ist zu hoch für kleine Teams.", "de")
    assert ledger(data_dir) == [(14, 11, 3)]


def test_named_score_and_comment_fields(tmp_path):
    item = copy.deepcopy(responses("awkward.json")[0])
    item["answers"].insert(
        0,
        {"field": {"id": "Ra1", "type": "rating", "ref": "stars"}, "type": "number", "number": 4},
    )
    with VendorServer(auth=bearer(TOKEN)) as server:
        serve(server, [item])
        data_dir = setup(
            tmp_path, server, score_field="stars", comment_field="Hb4sT9yUe2Lo", survey_type="csat"
        )
        run_source(data_dir, "typeform", env=ENV)
    assert [r[3:6] for r in staged(data_dir, "feedback")] == [("csat", "4", "Price")]


def test_malformed_page_fails_the_source(tmp_path):
    with VendorServer(auth=bearer(TOKEN)) as server:
        server.route("GET", PATH, lambda req: (200, {"responses": [], "total": 0}))
        data_dir = setup(tmp_path, server)
        with pytest.raises(SourceError, match="malformed page, expected `items`"):
            run_source(data_dir, "typeform", env=ENV)
