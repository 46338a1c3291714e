"""A stand-in Stripe API on 127.0.0.1 (cxlink/demo/vendor_api/server.py), for the connector demo
and the stripe kind's tests. Stripe's list API served for real: the documented list envelope, newest
first, ``limit`` / ``starting_after`` / ``ending_before``, ``created[gt]``, subscriptions without
``status=all`` leave out canceled ones (as Stripe does), ``/v1/events`` with ``type`` wildcards,
and invoices whose embedded ``lines`` hold at most ``lines_per_invoice`` lines (the rest from
``/v1/invoices/{id}/lines``)."""

from __future__ import annotations

import copy
import fnmatch
from typing import Any

from cxlink.demo.vendor_api.server import Request, VendorServer, bearer

RESOURCES = ("customers", "products", "prices", "subscriptions", "invoices", "credit_notes")
KEY = "sk_test_cxlink"


def envelope(
    url: str, items: list[dict], request: Request, positions: dict[str, int] | None = None
) -> tuple[int, dict]:
    """One page of ``items`` (sorted newest first) as Stripe pages it. ``positions`` (id ->
    index in ``items``) saves a scan per page on long lists (the demo's 100,000 invoices)."""
    limit = int(request.arg("limit", "10"))
    if not 1 <= limit <= 100:
        return 400, {"error": {"type": "invalid_request_error", "message": "limit"}}
    if positions is None:
        positions = {o.get("id"): i for i, o in enumerate(items)}
    cursor = request.arg("starting_after") or request.arg("ending_before")
    if cursor and cursor not in positions:
        return 404, {
            "error": {"type": "invalid_request_error", "message": f"No such object: '{cursor}'"}
        }
    if request.arg("starting_after"):
        rest = items[positions[cursor] + 1 :]
        page, more = rest[:limit], len(rest) > limit
    elif request.arg("ending_before"):
        rest = items[: positions[cursor]]
        page, more = rest[-limit:], len(rest) > limit
    else:
        page, more = items[:limit], len(items) > limit
    return 200, {"object": "list", "data": page, "has_more": more, "url": url}


class FakeStripe:
    def __init__(
        self,
        server: VendorServer,
        objects: dict[str, list[dict]],
        lines_per_invoice: int = 10,
        initial_events: bool = True,
    ):
        self.server, self.lines_per_invoice = server, lines_per_invoice
        self.objects: dict[str, dict[str, dict]] = {r: {} for r in RESOURCES}
        self.events: list[dict] = []  # oldest first
        self._listings: dict[tuple, tuple[list[dict], dict[str, int]]] = {}
        for resource in RESOURCES:
            server.route("GET", f"/v1/{resource}", self._lister(resource))
            for obj in sorted(objects.get(resource, []), key=lambda o: o.get("created") or 0):
                self.put(resource, obj, "created" if initial_events else None, obj.get("created"))
        server.route("GET", "/v1/events", self._events)

    @classmethod
    def serving(cls, objects: dict[str, list[dict]], **kwargs) -> tuple[VendorServer, FakeStripe]:
        server = VendorServer(auth=bearer(KEY)).__enter__()
        return server, cls(server, objects, **kwargs)

    def put(
        self, resource: str, obj: dict, event: str | None = "created", created: int | None = None
    ):
        """Store ``obj``'s new state; with ``event``, also the event `<object>.<event>`."""
        obj = copy.deepcopy(obj)
        self.objects[resource][obj.get("id") or f"noid{len(self.objects[resource])}"] = obj
        self._listings.clear()
        if resource == "invoices" and obj.get("id"):
            self.server.route("GET", f"/v1/invoices/{obj['id']}/lines", self._lines(obj["id"]))
        if event:
            kind = "customer.subscription" if obj.get("object") == "subscription" else obj["object"]
            n = len(self.events) + 1
            stamp = (
                created or max([e["created"] for e in self.events] + [obj.get("created") or 0]) + 1
            )
            self.events.append(
                {
                    "id": f"evt_{n:08d}",
                    "object": "event",
                    "type": f"{kind}.{event}",
                    "created": stamp,
                    "data": {"object": copy.deepcopy(obj)},
                    "livemode": False,
                    "api_version": "2024-06-20",
                }
            )

    def _sorted(self, items: list[dict]) -> list[dict]:
        return sorted(items, key=lambda o: (o.get("created") or 0, o.get("id") or ""), reverse=True)

    def _embed(self, invoice: dict) -> dict:
        invoice = copy.deepcopy(invoice)
        lines = invoice.get("lines")
        if isinstance(lines, dict) and len(lines["data"]) > self.lines_per_invoice:
            lines["data"], lines["has_more"] = lines["data"][: self.lines_per_invoice], True
        return invoice

    def _listing(self, resource: str, created_gt: str | None, status: str | None):
        """The list a walk pages through, sorted newest first with its id positions: computed
        once per walk (a walk repeats its filters on every page) until an object changes."""
        key = (resource, created_gt, status)
        if key not in self._listings:
            items = list(self.objects[resource].values())
            if created_gt is not None:
                items = [o for o in items if (o.get("created") or 0) > int(created_gt)]
            if resource == "subscriptions" and status != "all":
                items = [
                    o for o in items if o.get("status") not in ("canceled", "incomplete_expired")
                ]
            items = self._sorted(items)
            self._listings[key] = (items, {o.get("id"): i for i, o in enumerate(items)})
        return self._listings[key]

    def _lister(self, resource: str):
        def handle(request: Request) -> tuple[int, Any]:
            items, positions = self._listing(
                resource, request.arg("created[gt]"), request.arg("status")
            )
            status, body = envelope(f"/v1/{resource}", items, request, positions)
            if resource == "invoices" and status == 200:
                body["data"] = [self._embed(o) for o in body["data"]]
            return status, body

        return handle

    def _lines(self, invoice_id: str):
        def handle(request: Request) -> tuple[int, Any]:
            data = self.objects["invoices"][invoice_id]["lines"]["data"]
            return envelope(f"/v1/invoices/{invoice_id}/lines", list(data), request)

        return handle

    def _events(self, request: Request) -> tuple[int, Any]:
        kind, created_gt = request.arg("type"), request.arg("created[gt]")
        key = ("events", kind, created_gt)
        if key not in self._listings:
            items = list(reversed(self.events))  # newest first
            if kind:
                items = [e for e in items if fnmatch.fnmatchcase(e["type"], kind)]
            if created_gt is not None:
                items = [e for e in items if e["created"] > int(created_gt)]
            self._listings[key] = (items, {e["id"]: i for i, e in enumerate(items)})
        items, positions = self._listings[key]
        return envelope("/v1/events", items, request, positions)
