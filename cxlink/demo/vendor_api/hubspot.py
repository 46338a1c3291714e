"""A stand-in HubSpot CRM v3 companies API on 127.0.0.1, for the connector demo and the hubspot
kind's tests (server: cxlink/demo/vendor_api/server.py).

It serves the documented shapes: ``GET /crm/v3/objects/companies`` (``limit``, ``properties``,
``after``; ``paging.next.after`` until the last page, which has no ``paging``) and ``POST
/crm/v3/objects/companies/search`` (one filter on ``hs_lastmodifieddate`` GT/GTE in epoch ms,
sorted ascending, ``after`` offsets, HTTP 400 past its 10,000-result window). Only the requested
properties come back, unset ones as null, every value a string.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from cxlink.demo.vendor_api.server import Request, VendorServer, bearer

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"


def ms(stamp: str) -> int:
    if stamp.isdigit():
        return int(stamp)
    return int(
        datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).timestamp() * 1000
    )


class FakeHubSpot:
    def __init__(self, server: VendorServer, companies: list[dict], window: int = 10_000):
        self.companies = {c["id"]: copy.deepcopy(c) for c in companies}
        self.window = window
        server.route("GET", "/crm/v3/objects/companies", self.list)
        server.route("POST", "/crm/v3/objects/companies/search", self.search)

    def put(self, company: dict) -> None:
        self.companies[company["id"]] = copy.deepcopy(company)

    def _shape(self, company: dict, wanted: list[str]) -> dict:
        out = copy.deepcopy(company)
        out["properties"] = {p: company["properties"].get(p) for p in wanted}
        return out

    def _page(self, items: list[dict], after: int, limit: int, wanted: list[str]) -> dict:
        chunk = items[after : after + limit]
        page = {"results": [self._shape(c, wanted) for c in chunk]}
        if after + limit < len(items):
            nxt = str(after + limit)
            page["paging"] = {"next": {"after": nxt, "link": f"?after={nxt}"}}
        return page

    def list(self, req: Request):
        limit = int(req.arg("limit", "10"))
        if limit > 100:
            return 400, {"status": "error", "message": "limit must be <= 100"}
        items = [self.companies[k] for k in sorted(self.companies, key=int)]
        items = [c for c in items if not c.get("archived")]
        wanted = (req.arg("properties") or "name,domain").split(",")
        return 200, self._page(items, int(req.arg("after", "0")), limit, wanted)

    def search(self, req: Request):
        body = req.json()
        (group,) = body["filterGroups"]
        (flt,) = group["filters"]
        assert flt["propertyName"] == "hs_lastmodifieddate", flt
        assert body["sorts"] == [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]
        value = int(flt["value"])
        test = {"GT": lambda v: v > value, "GTE": lambda v: v >= value}[flt["operator"]]
        items = [
            c
            for c in self.companies.values()
            if not c.get("archived") and test(ms(c["properties"]["hs_lastmodifieddate"]))
        ]
        items.sort(key=lambda c: (ms(c["properties"]["hs_lastmodifieddate"]), int(c["id"])))
        after, limit = int(body.get("after") or 0), int(body.get("limit", 10))
        if after + limit > self.window:
            return 400, {"status": "error", "message": "paging past the search window"}
        page = self._page(items, after, limit, body["properties"])
        if "paging" in page:  # search pages carry only the offset to continue from
            page["paging"]["next"].pop("link")
        return 200, {"total": len(items), **page}


def serve(companies: list[dict], token: str = TOKEN, window: int = 10_000):
    """(server, fake) with the companies; use as ``with serve(...)[0]``."""
    server = VendorServer(
        auth=bearer(token),
        unauthorized_body={
            "status": "error",
            "message": "Authentication credentials not found.",
            "category": "INVALID_AUTHENTICATION",
        },
    )
    return server, FakeHubSpot(server, companies, window)
