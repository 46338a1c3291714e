"""HubSpot companies -> contract ``customers`` rows (pure; docs/sources/hubspot.md).

A stored company is the CRM v3 object as the API returned it: ``{"id", "properties": {name:
string or null}, "createdAt", "updatedAt", "archived"}``. Every property value is a string.
"""

from __future__ import annotations

from typing import Any

from cxlink.sources.kinds.crm_common import customer_values, text
from cxlink.sources.model import Source
from cxlink.sources.rows import SourceRow

# hs_analytics_source ("Original Traffic Source") internal values -> acquisition_channel.
CHANNELS = {
    "ORGANIC_SEARCH": "organic",
    "PAID_SEARCH": "paid_search",
    "EMAIL_MARKETING": "email",
    "SOCIAL_MEDIA": "social",
    "PAID_SOCIAL": "paid_social",
    "REFERRALS": "referral",
    "OTHER_CAMPAIGNS": "other_campaigns",
    "DIRECT_TRAFFIC": "direct",
    "OFFLINE": "offline",
    "AI_REFERRALS": "ai_referral",
}
# Source rules of this kind (docs/sources/hubspot.md).
ARCHIVED = "archived_company"
MALFORMED = "malformed_company"


def _row(source: Source, company: Any) -> SourceRow:
    record_id = text(company.get("id")) if isinstance(company, dict) else None
    record_id = record_id or "?"
    props = company.get("properties") if isinstance(company, dict) else None
    if not isinstance(props, dict):
        return SourceRow(
            "customers",
            {},
            record_id,
            rule=MALFORMED,
            detail=f"HubSpot company {record_id} has no `properties` object.",
            original={"company": company},
        )

    def get(name: str) -> Any:
        if name == "hs_object_id":
            return props.get(name) or company.get("id")
        return props.get(name)

    values = customer_values(source.options, "property", get, CHANNELS)
    if company.get("archived") is True:
        return SourceRow(
            "customers",
            values,
            record_id,
            rule=ARCHIVED,
            detail=f"HubSpot company {record_id} is archived (deleted in HubSpot).",
            original=props,
        )
    return SourceRow("customers", values, record_id, original=props)


def map_companies(source: Source, stored: dict[str, list[dict[str, Any]]]) -> list[SourceRow]:
    return [_row(source, company) for company in stored.get("companies", [])]
