"""The Worker's settings binding (a JSON var) and the names of the secrets it needs.

Secret values never leave Pulumi: the export lists the names, to be set with
``wrangler secret put``. The names come from the recorded settings (``secretEnvNames`` and the
access mode), because the recorded secret bindings are masked as a whole.
"""

from __future__ import annotations

import json
from typing import Any

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.export import resource_types
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.known import known, known_str
from bento_cf_component.worker import ACCESS_TOKEN_BINDING
from bento_cf_component.worker.tenant_runtime import ADMIN_TOKEN_BINDING


def runtime_settings(parts: ComponentResources) -> dict[str, Any]:
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    settings = json.loads(known_str(worker, "settings_json"))
    if not isinstance(settings, dict):
        raise BentoCfConfigError([f"{worker.name}.settings_json is not a JSON object"])
    return settings


def vars_field(parts: ComponentResources) -> dict[str, Any]:
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    # An object var is uploaded as a `json` binding: the same binding type bento-cf uploads.
    return {"vars": {known_str(worker, "settings_binding"): runtime_settings(parts)}}


def required_secrets(parts: ComponentResources) -> list[str]:
    settings = runtime_settings(parts)
    names = [str(name) for name in settings.get("secretEnvNames", [])]
    if (settings.get("access") or {}).get("mode") == "bearer":
        names.append(ACCESS_TOKEN_BINDING)
    if settings.get("adminPath"):  # durable-object pattern: the admin endpoint needs its token
        names.append(ADMIN_TOKEN_BINDING)
    return sorted(names)


def secrets_field(parts: ComponentResources) -> dict[str, Any]:
    names = required_secrets(parts)
    return {"secrets": {"required": names}} if names else {}


def extra_binding_types(parts: ComponentResources) -> list[str]:
    """Types of the extra bindings uploaded with the Worker (queue producers, later)."""
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    extras = known(worker, "extra_bindings", default=[])
    return sorted({str(extra.get("type")) for extra in extras if isinstance(extra, dict)})
