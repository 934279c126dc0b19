"""Where the Worker answers: custom domains, zone routes, workers.dev and preview URLs."""

from __future__ import annotations

from typing import Any

from bento_cf_component.export import resource_types
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.known import known, known_str


def route_fields(parts: ComponentResources) -> dict[str, Any]:
    routes: list[dict[str, Any]] = []
    for domain in parts.all_of(resource_types.CUSTOM_DOMAIN):
        entry: dict[str, Any] = {"pattern": known_str(domain, "hostname"), "custom_domain": True}
        # The zone the stack names, as bento-cf passes it (zone_id wins when both are given).
        zone_id = known(domain, "zoneId", required=False)
        if zone_id is not None:
            entry["zone_id"] = zone_id
        else:
            entry["zone_name"] = known_str(domain, "zoneName")
        routes.append(entry)
    for route in parts.all_of(resource_types.ROUTE):
        routes.append({"pattern": known_str(route, "pattern"), "zone_id": known_str(route, "zoneId")})

    subdomain = parts.one_of(resource_types.WORKERS_DEV)
    fields: dict[str, Any] = {
        "workers_dev": bool(known(subdomain, "enabled")),
        "preview_urls": bool(known(subdomain, "previewsEnabled", default=False)),
    }
    if routes:
        fields["routes"] = routes
    return fields
