"""Assemble the ``wrangler.jsonc`` equivalent of one component from its recorded plan.

Every value is read from the resources' recorded inputs, the same ones ``pulumi up`` would send,
so the two tools deploy the same Worker, class, application and routes. Secrets are listed by
name only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.containers import container_fields, is_prebuilt, unexpressible_rollout_kind
from bento_cf_component.export.durable_objects import durable_object_fields
from bento_cf_component.export.jsonc import render_jsonc
from bento_cf_component.export.queues import QUEUE_BINDING_TYPE, cron_fields, queue_fields
from bento_cf_component.export.routes import route_fields
from bento_cf_component.export.settings_and_secrets import (
    extra_binding_types,
    required_secrets,
    secrets_field,
    vars_field,
)
from bento_cf_component.export.worker_script import bundle_path, worker_fields


@dataclass(frozen=True)
class WranglerConfig:
    stack: str
    component: str
    config: dict[str, Any]
    required_secrets: tuple[str, ...]
    queues_to_create: tuple[str, ...]
    prebuilt_image: bool
    rollout_kind_note: str | None

    def render(self, out_name: str) -> str:
        return render_jsonc(self.config, header=self._header(out_name), comments=self._comments())

    def _header(self, out_name: str) -> list[str]:
        name = self.config["name"]
        header = [
            f"Written by `bento-cf export wrangler --stack {self.stack}` from the offline plan of",
            f"component '{self.component}': the Worker, container class, container application and",
            "routes `pulumi up` would declare. Paths are relative to this file and point into .bento-cf/,",
            "which `bento-cf plan` regenerates: export again after changing the stack or the Bento config.",
            "",
        ]
        if self.required_secrets:
            header.append(
                "Secrets are not in this file. Set each one (or use `wrangler deploy --secrets-file`):"
            )
            header += [
                f"  npx wrangler secret put {secret} --name {name}" for secret in self.required_secrets
            ]
            header.append("")
        if self.queues_to_create:
            header.append("Queues must exist before the deploy:")
            header += [f"  npx wrangler queues create {queue}" for queue in self.queues_to_create]
            header.append("")
        docker = "" if self.prebuilt_image else "  (builds the image: needs Docker)"
        header.append(f"Deploy: npx wrangler deploy -c {out_name}{docker}")
        return header

    def _comments(self) -> dict[str, list[str]]:
        image = (
            ["The prebuilt image, pinned by digest: wrangler passes it through (no build, no Docker)."]
            if self.prebuilt_image
            else [
                "wrangler builds the Dockerfile bento-cf rendered (linux/amd64) and pushes it to",
                "registry.cloudflare.com under the container's name.",
            ]
        )
        if self.rollout_kind_note:
            image.append(self.rollout_kind_note)
        return {
            "main": ["The Worker module bento-cf bundled; uploaded as is (no_bundle), as bento-cf does."],
            "migrations": [
                "Creates the container class once (tag v1, the tag bento-cf uses): with the class",
                "already live, wrangler sends no migration.",
            ],
            "containers": image,
            "observability": [
                "bento-cf turns container logs on; in wrangler this one switch covers the Worker's logs too."
            ],
            "vars": ["The runtime settings binding: an object var is uploaded as a `json` binding."],
            "secrets": [
                "Names only (wrangler 4.80 calls this field experimental and warns); values via",
                "`wrangler secret put`.",
            ],
            "queues": ["Producer bindings and the consumer of the queue pattern."],
        }


def wrangler_config(
    parts: ComponentResources, *, program_dir: Path, stack: str, out_dir: Path
) -> WranglerConfig:
    unsupported = [t for t in extra_binding_types(parts) if t != QUEUE_BINDING_TYPE]
    if unsupported:
        raise BentoCfConfigError(
            [f"component {parts.name}: bindings of type {', '.join(unsupported)} have no wrangler export yet"]
        )
    main = bundle_path(parts, program_dir=program_dir, stack=stack)
    queues = queue_fields(parts)
    config: dict[str, Any] = {
        **worker_fields(parts, main=main, out_dir=out_dir),
        **route_fields(parts),
        **durable_object_fields(parts),
        **container_fields(parts, program_dir=program_dir, out_dir=out_dir),
        **vars_field(parts),
        **secrets_field(parts),
        **queues.fields,
        **cron_fields(parts),
    }
    kind = unexpressible_rollout_kind(parts)
    kind_note = (
        f"bento-cf rolls out with kind {kind}; wrangler 4.80's config cannot say so (it rolls out full_auto)."
        if kind
        else None
    )
    return WranglerConfig(
        stack=stack,
        component=parts.name,
        config=config,
        required_secrets=tuple(required_secrets(parts)),
        queues_to_create=queues.to_create,
        prebuilt_image=is_prebuilt(parts),
        rollout_kind_note=kind_note,
    )
