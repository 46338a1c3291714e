"""The demo's customers as HubSpot CRM v3 company objects, for the connector demo and tests.

``hubspot_companies(rows)`` turns contract ``customers`` rows into what ``GET
/crm/v3/objects/companies`` returns: ``{"id", "properties": {...strings...}, "createdAt",
"updatedAt", "archived": false}``. A hubspot source with ``DEMO_OPTIONS`` maps them back to the
same rows (docs/sources/hubspot.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import pycountry

from cxlink.sources.kinds.hubspot_map import CHANNELS

FIRST_ID = 18_000_000_001  # HubSpot company ids are numeric strings
# The demo's two channels HubSpot's Original Traffic Source has no value for.
DEMO_CHANNELS = {"OTHER_CAMPAIGNS": "partner", "OFFLINE": "outbound_sales"}
# Options of the hubspot source that reads these objects back.
DEMO_OPTIONS = {
    "customer_id_property": "account_id",
    "persona_property": "persona",
    "email_property": "billing_email",
    "channel_values": DEMO_CHANNELS,
}
_SOURCES = {v: k for k, v in {**CHANNELS, **DEMO_CHANNELS}.items()}


def _country_name(code: str | None) -> str | None:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.name if country else code  # HubSpot's country property is free text


def _stamp(day: date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00.000Z"


def hubspot_companies(customer_rows: list[dict]) -> list[dict]:
    companies = []
    for i, row in enumerate(customer_rows):
        try:
            signup = date.fromisoformat(str(row["signup_date"])[:10])
            created = _stamp(signup, 9)
        except ValueError:  # a deliberately broken demo row keeps its text
            signup, created = date(2024, 1, 1), str(row["signup_date"])
        modified = _stamp(signup + timedelta(days=1 + i % 30), 10)
        company_id = str(FIRST_ID + i)
        channel = row.get("acquisition_channel") or None
        properties = {
            "hs_object_id": company_id,
            "account_id": row["customer_id"],
            "name": row.get("name") or None,
            "createdate": created,
            "hs_lastmodifieddate": modified,
            "segment": row.get("segment") or None,
            "plan_tier": row.get("plan_tier") or None,
            "hs_analytics_source": _SOURCES.get(channel, channel),
            "country": _country_name(row.get("country") or None),
            "persona": row.get("persona") or None,
            "billing_email": row.get("email") or None,
        }
        companies.append(
            {
                "id": company_id,
                "properties": properties,
                "createdAt": properties["createdate"],
                "updatedAt": modified,
                "archived": False,
            }
        )
    return companies
