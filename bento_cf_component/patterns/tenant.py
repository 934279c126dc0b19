"""The durable-object pattern: each tenant gets its own Durable Object and Bento container.

The Worker routes a tenant key (path segment, header or hostname label) to
``idFromName(tenant)``; the tenant id reaches that container as an env var, so one Bento config
serves every tenant. WebSockets on Bento's ``ws_path`` are proxied both ways.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from bento_cf_component.patterns.bento_input import CheckedBento
from bento_cf_component.patterns.container_worker import (
    PatternOutputs,
    base_runtime_settings,
    declare_container_worker,
)
from bento_cf_component.settings.fields import duration_seconds
from bento_cf_component.settings.model import ComponentSettings
from bento_cf_component.settings.tenant import TenantSettings
from bento_cf_component.worker.tenant_runtime import ADMIN_TOKEN_BINDING, KeepWarmRuntime, TenantRuntime

ADMIN_PATH = "/_bento-cf/tenants"


def tenant_runtime(tenant: TenantSettings) -> TenantRuntime:
    return TenantRuntime(
        source=tenant.source,
        path_prefix=tenant.path_prefix,
        header=tenant.header,
        hostname_label=tenant.hostname_label,
        pattern=tenant.pattern,
        allow_list=tuple(tenant.allow_list) if tenant.allow_list is not None else None,
        env_name=tenant.env_name,
    )


def declare_tenant_pattern(
    name: str,
    *,
    settings: ComponentSettings,
    bento: CheckedBento,
    build_dir: Path,
    parent: pulumi.Resource,
) -> PatternOutputs:
    tenant = settings.tenant_settings
    keep_warm = tenant.keep_warm
    runtime = base_runtime_settings(
        settings,
        bento,
        tenant=tenant_runtime(tenant),
        ws_path=bento.result.ws_path,
        # Settings decide whether the admin endpoint exists: a token binding left behind by an
        # earlier deploy (secret bindings survive uploads) must not keep it open.
        admin_path=ADMIN_PATH if settings.access.admin_token is not None else None,
        keep_warm=(
            KeepWarmRuntime(
                tenants=tuple(keep_warm.tenants), interval_seconds=duration_seconds(keep_warm.interval)
            )
            if keep_warm
            else None
        ),
    )
    admin: dict[str, pulumi.Input[str]] = {}
    if settings.access.admin_token is not None:
        admin[ADMIN_TOKEN_BINDING] = settings.access.admin_token
    core = declare_container_worker(
        name,
        settings=settings,
        bento=bento,
        runtime=runtime,
        build_dir=build_dir,
        parent=parent,
        extra_secret_bindings=admin,
    )
    return core.outputs
