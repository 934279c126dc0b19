"""The bento-cf policies, one module each (see docs/policy.md)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Policy

from bento_cf_policy import (
    access_token,
    custom_domains,
    image_digest,
    management_endpoints,
    max_instances,
    secrets_marked_secret,
)

PACK_NAME = "bento-cf"
DEFAULT_ENFORCEMENT = EnforcementLevel.MANDATORY
"""For any policy that does not set its own level (each one here does)."""

MODULES = (
    image_digest,
    management_endpoints,
    access_token,
    max_instances,
    secrets_marked_secret,
    custom_domains,
)


def policies() -> list[Policy]:
    """Every policy of the pack, in the order docs/policy.md lists them."""
    return [module.policy for module in MODULES]


__all__ = ["DEFAULT_ENFORCEMENT", "MODULES", "PACK_NAME", "policies"]
