"""Where the Worker answers: workers.dev, custom domains and routes, via pulumi-cloudflare."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_cloudflare as cloudflare

from bento_cf_component.settings.model import RoutingSettings


@dataclass(frozen=True)
class DeclaredRoutes:
    urls: list[pulumi.Output[str]]
    """Base URLs clients can call, custom domains first."""


def declare_routes(
    name: str,
    *,
    routing: RoutingSettings,
    account_id: pulumi.Input[str],
    script_name: pulumi.Input[str],
    workers_dev_url: pulumi.Output[str],
    parent: pulumi.Resource,
    after: pulumi.Resource,
) -> DeclaredRoutes:
    """Declare routing children; ``after`` is the uploaded script they must wait for."""
    child = pulumi.ResourceOptions(parent=parent, depends_on=[after])
    urls: list[pulumi.Output[str]] = []

    for domain in routing.custom_domains:
        custom_domain = cloudflare.WorkersCustomDomain(
            f"{name}-domain-{_slug(domain.hostname)}",
            account_id=account_id,
            hostname=domain.hostname,
            service=script_name,
            zone_id=domain.zone_id,
            zone_name=domain.zone_name,
            opts=child,
        )
        urls.append(pulumi.Output.concat("https://", custom_domain.hostname))

    for route in routing.routes:
        # Named by the pattern, not its position: removing one route leaves the others alone.
        cloudflare.WorkersRoute(
            f"{name}-route-{_slug(route.pattern)}",
            zone_id=route.zone_id,
            pattern=route.pattern,
            script=script_name,
            opts=child,
        )

    # Declared either way so turning workers.dev off is an explicit, visible change.
    cloudflare.WorkersScriptSubdomain(
        f"{name}-workers-dev",
        account_id=account_id,
        script_name=script_name,
        enabled=routing.workers_dev,
        previews_enabled=False,
        opts=child,
    )
    if routing.workers_dev:
        urls.append(workers_dev_url)
    return DeclaredRoutes(urls=urls)


def _slug(hostname: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", hostname.lower()).strip("-")
