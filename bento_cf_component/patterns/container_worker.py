"""The core every pattern shares: image, Worker script, container application, routes.

Order on the account: image pushed → script uploaded (class, migration, container attachment)
→ DO namespace id → container application created or adopted → routes. Each step takes the
previous step's outputs as inputs, so nothing is created with an unresolved id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import pulumi
from typing_extensions import Unpack

from bento_cf_component.bento import BentoCheckResult
from bento_cf_component.cloudflare.container_application import ContainerApplication
from bento_cf_component.cloudflare.worker_script import WorkerScript
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.image import declare_image, render_image_context
from bento_cf_component.patterns.bento_input import CheckedBento
from bento_cf_component.routing import declare_routes
from bento_cf_component.settings.model import ComponentSettings
from bento_cf_component.settings.validate import CONFIG_NAMESPACE
from bento_cf_component.worker import (
    ACCESS_TOKEN_BINDING,
    CONTAINER_BINDING,
    CONTAINER_CLASS_NAME,
    SETTINGS_BINDING,
    RuntimeSettings,
    build_worker_bundle,
    write_worker_artifacts,
)
from bento_cf_component.worker.queue_runtime import QueueRuntime, ScheduleRuntime
from bento_cf_component.worker.tenant_runtime import KeepWarmRuntime, TenantRuntime

# How long a request may wait for a cold container before the Worker answers 503.
STARTUP_BUDGET_MS = 20_000
RETRY_AFTER_SECONDS = 10


@dataclass(frozen=True)
class PatternOutputs:
    """Every value comes from the resource it names, so consumers wait for that resource."""

    url: pulumi.Output[str]
    urls: pulumi.Output[list[str]]
    worker_name: pulumi.Output[str]
    image_ref: pulumi.Output[str]
    namespace_id: pulumi.Output[str]
    application_id: pulumi.Output[str]
    queue_name: pulumi.Output[str | None] = field(default_factory=lambda: pulumi.Output.from_input(None))
    dead_letter_queue_name: pulumi.Output[str | None] = field(
        default_factory=lambda: pulumi.Output.from_input(None)
    )


@dataclass(frozen=True)
class DeclaredCore:
    """The shared children, for patterns that hang more resources off them."""

    script: WorkerScript
    application: ContainerApplication
    outputs: PatternOutputs


class PatternFields(TypedDict, total=False):
    """The runtime-settings sections a pattern adds (``RuntimeSettings``'s optional fields)."""

    queue: QueueRuntime
    schedule: ScheduleRuntime | None
    tenant: TenantRuntime
    ws_path: str | None
    admin_path: str | None
    keep_warm: KeepWarmRuntime | None


def base_runtime_settings(
    settings: ComponentSettings, bento: CheckedBento, **pattern_fields: Unpack[PatternFields]
) -> RuntimeSettings:
    """The settings every pattern shares; ``pattern_fields`` are the pattern's own sections."""
    result = bento.result
    try:
        return _runtime_settings(settings, result, pattern_fields)
    except ValueError as exc:
        # The settings checks should have caught this; still one line, never a traceback.
        raise BentoCfConfigError([f"{CONFIG_NAMESPACE}: {exc}"]) from None


def _runtime_settings(
    settings: ComponentSettings, result: BentoCheckResult, pattern_fields: PatternFields
) -> RuntimeSettings:
    return RuntimeSettings(
        pattern=settings.pattern,
        port=result.port,
        input_path=result.input_path,
        input_methods=tuple(result.input_methods),
        response_mode=result.response_mode,
        instance_count=settings.instances.count,
        sticky_header=settings.instances.sticky_header,
        access_mode="public" if settings.access.public else "bearer",
        startup_budget_ms=STARTUP_BUDGET_MS,
        retry_after_seconds=RETRY_AFTER_SECONDS,
        sleep_after=settings.container.sleep_after,
        env_vars=dict(sorted(settings.container.env.items())),
        secret_env_names=tuple(sorted(settings.container.secrets)),
        **pattern_fields,
    )


def declare_container_worker(
    name: str,
    *,
    settings: ComponentSettings,
    bento: CheckedBento,
    runtime: RuntimeSettings,
    build_dir: Path,
    parent: pulumi.Resource,
    extra_bindings: Sequence[Mapping[str, Any]] = (),
    extra_secret_bindings: Mapping[str, pulumi.Input[str]] | None = None,
    script_depends_on: Sequence[pulumi.Resource] = (),
) -> DeclaredCore:
    """Declare the shared children; ``extra_*`` carry what a pattern adds to the Worker."""
    child = pulumi.ResourceOptions(parent=parent)

    context = None
    if settings.image.ref is None:
        context = render_image_context(
            build_dir / "image",
            base_image=settings.image.base_image,
            port=bento.result.port,
            config_text=bento.text,
        )
    image_ref = declare_image(
        name,
        account_id=settings.account_id,
        repository=settings.worker_name,
        context=context,
        prebuilt_ref=settings.image.ref,
        parent=parent,
    )

    bundle = build_worker_bundle()
    settings_json = runtime.to_json()
    write_worker_artifacts(build_dir / "worker", bundle, settings_json)

    secret_bindings: dict[str, pulumi.Input[str]] = dict(settings.container.secrets)
    if settings.access.token is not None:
        secret_bindings[ACCESS_TOKEN_BINDING] = settings.access.token
    secret_bindings.update(extra_secret_bindings or {})
    script = WorkerScript(
        f"{name}-worker",
        account_id=settings.account_id,
        script_name=settings.worker_name,
        main_module=bundle.main_module,
        module_content=bundle.content,
        compatibility_date=bundle.compatibility_date,
        compatibility_flags=list(bundle.compatibility_flags),
        container_class=CONTAINER_CLASS_NAME,
        durable_object_binding=CONTAINER_BINDING,
        settings_binding=SETTINGS_BINDING,
        settings_json=settings_json,
        secret_bindings=pulumi.Output.secret(_resolved(secret_bindings)),
        owns_all_secrets=False,
        extra_bindings=[dict(binding) for binding in extra_bindings],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(script_depends_on)),
    )

    application = ContainerApplication(
        f"{name}-container",
        account_id=settings.account_id,
        name=settings.application_name,
        namespace_id=script.namespace_id,
        script_name=settings.worker_name,
        image=image_ref,
        instance_type=settings.container.instance_type,
        max_instances=settings.container.max_instances,
        observability_logs=True,
        opts=child,
    )

    routes = declare_routes(
        name,
        routing=settings.routing,
        account_id=settings.account_id,
        script_name=script.script_name,
        workers_dev_url=script.workers_dev_url,
        parent=parent,
        after=script,
    )
    urls = pulumi.Output.all(*routes.urls)
    outputs = PatternOutputs(
        url=urls.apply(lambda values: values[0] if values else ""),
        urls=urls,
        worker_name=script.script_name,
        image_ref=image_ref,
        namespace_id=script.namespace_id,
        application_id=application.application_id,
    )
    return DeclaredCore(script=script, application=application, outputs=outputs)


def _resolved(values: dict[str, pulumi.Input[str]]) -> pulumi.Output[dict[str, str]]:
    """One Output of the whole map (``Output.all`` of nothing is a list, not a map)."""
    if not values:
        return pulumi.Output.from_input({})
    return pulumi.Output.all(**values)
