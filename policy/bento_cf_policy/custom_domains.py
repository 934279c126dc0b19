"""``custom-domain-bare-hostname``: a Workers custom domain is a bare hostname.

``https://api.example.com``, ``api.example.com/ingest``, ``*.example.com`` or a port are route
patterns or URLs, not custom domains; Cloudflare rejects them at deploy time or, worse, the
wrong thing is served. Patterns belong in ``routing.routes``.
"""

from __future__ import annotations

import re

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from bento_cf_policy.resources import CUSTOM_DOMAIN, HOSTNAME

NAME = "custom-domain-bare-hostname"
BARE_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CUSTOM_DOMAIN:
        return
    hostname = args.props.get(HOSTNAME)  # unknown during preview → the SDK skips this policy
    if not isinstance(hostname, str) or not BARE_HOSTNAME.match(hostname):
        report_violation(
            f"custom domain {hostname!r} is not a bare hostname such as bento.example.com "
            "(no scheme, port, path, wildcard or upper case; use routing.routes for patterns)",
            None,
        )


policy = ResourceValidationPolicy(
    name=NAME,
    description="Workers custom domains are bare hostnames (no scheme, port, path or wildcard).",
    enforcement_level=EnforcementLevel.MANDATORY,
    validate=validate,
)
