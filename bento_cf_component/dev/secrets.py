"""The Worker's secret bindings for a local run: from the environment, or generated for this run.

A stack's secrets are encrypted for Pulumi and cannot be read offline. ``bento-cf dev`` takes each
from the environment variable of the binding's own name; a missing access or admin token is
generated (printed once, kept in memory only). Values are handed to the dev server on its stdin,
never written to disk.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bento_cf_component.worker.runtime_settings import ACCESS_TOKEN_BINDING
from bento_cf_component.worker.tenant_runtime import ADMIN_TOKEN_BINDING, TENANTS_BINDING

PLACEHOLDER = "bento-cf-dev-placeholder"
"""Bound for a container secret missing from the environment: the Worker refuses to run without
the binding, and the value would only reach a container's env, which a user-run Bento does not get."""


@dataclass(frozen=True)
class DevSecrets:
    bindings: dict[str, str] = field(default_factory=dict)
    generated: dict[str, str] = field(default_factory=dict)
    """Tokens made up for this run (name -> value), to print once."""
    placeholders: tuple[str, ...] = ()
    """Container secrets not in the environment."""

    @property
    def access_token(self) -> str | None:
        return self.bindings.get(ACCESS_TOKEN_BINDING)

    @property
    def admin_token(self) -> str | None:
        return self.bindings.get(ADMIN_TOKEN_BINDING)


def dev_secrets(settings: Mapping[str, Any], environ: Mapping[str, str]) -> DevSecrets:
    bindings: dict[str, str] = {}
    generated: dict[str, str] = {}
    placeholders: list[str] = []

    def token(name: str) -> None:
        value = environ.get(name)
        if not value:
            value = generated[name] = secrets.token_urlsafe(24)
        bindings[name] = value

    if (settings.get("access") or {}).get("mode") == "bearer":
        token(ACCESS_TOKEN_BINDING)
    if settings.get("pattern") == "durable-object":
        if settings.get("adminPath"):
            token(ADMIN_TOKEN_BINDING)
        if environ.get(TENANTS_BINDING):
            bindings[TENANTS_BINDING] = environ[TENANTS_BINDING]
    for name in settings.get("secretEnvNames", []):
        value = environ.get(str(name))
        if value is None:
            placeholders.append(str(name))
            value = PLACEHOLDER
        bindings[str(name)] = value
    return DevSecrets(bindings, generated, tuple(placeholders))
