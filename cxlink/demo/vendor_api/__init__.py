"""Stand-ins for vendor APIs on 127.0.0.1: the connector demo's Stripe account and HubSpot CRM.

They serve each vendor's documented shapes for real over HTTP (envelopes, pagination, auth,
incremental filters), so ``cxlink run --demo-vendors`` exercises the same code path as a real
account. The connector tests use the same servers, adding scripted faults (429, 5xx).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from cxlink.demo.vendor_api.hubspot import FakeHubSpot
from cxlink.demo.vendor_api.server import VendorServer, bearer
from cxlink.demo.vendor_api.stripe import FakeStripe


@contextmanager
def serving_demo_vendors(
    vendors_dir: Path, port: int, stripe_key: str, hubspot_token: str
) -> Iterator[None]:
    """Stripe on ``port`` and HubSpot on ``port + 1``, from the demo's vendor files, until the
    block ends."""
    stripe_objects = json.loads((vendors_dir / "stripe.json").read_text(encoding="utf-8"))
    companies = json.loads((vendors_dir / "hubspot.json").read_text(encoding="utf-8"))
    with ExitStack() as stack:
        stripe = stack.enter_context(VendorServer(auth=bearer(stripe_key), port=port))
        FakeStripe(stripe, stripe_objects)
        hubspot = stack.enter_context(VendorServer(auth=bearer(hubspot_token), port=port + 1))
        FakeHubSpot(hubspot, companies["companies"])
        yield
