"""The ``containers`` entry: the application bento-cf creates, with its image.

The image is the Dockerfile of the context the plan rendered (wrangler builds and pushes it, for
linux/amd64) or the prebuilt digest-pinned reference (wrangler passes it through, no Docker).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bento_cf_component.export import resource_types
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.known import known, known_str
from bento_cf_component.export.worker_script import relative_path

WRANGLER_ROLLOUT_KIND = "full_auto"
"""What wrangler 4.80 always does (its config has no rollout_kind)."""


def container_fields(parts: ComponentResources, *, program_dir: Path, out_dir: Path) -> dict[str, Any]:
    application = parts.one_of(resource_types.CONTAINER_APPLICATION)
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    entry: dict[str, Any] = {
        "name": known_str(application, "name"),
        "class_name": known_str(worker, "container_class"),
        **_image(parts, program_dir=program_dir, out_dir=out_dir),
        "instance_type": known_str(application, "instance_type"),
        "max_instances": known(application, "max_instances"),
        "rollout_step_percentage": known(application, "rollout_step_percentage", default=100),
    }
    fields: dict[str, Any] = {"containers": [entry]}
    if known(application, "observability_logs", default=False):
        # wrangler has one switch for Worker and container logs; bento-cf turns on container logs.
        fields["observability"] = {"logs": {"enabled": True}}
    return fields


def is_prebuilt(parts: ComponentResources) -> bool:
    return parts.maybe_one_of(resource_types.DOCKER_IMAGE) is None


def unexpressible_rollout_kind(parts: ComponentResources) -> str | None:
    """The recorded rollout kind when wrangler's config cannot say it, else ``None``."""
    application = parts.one_of(resource_types.CONTAINER_APPLICATION)
    kind = known(application, "rollout_kind", default=WRANGLER_ROLLOUT_KIND)
    return None if kind == WRANGLER_ROLLOUT_KIND else str(kind)


def _image(parts: ComponentResources, *, program_dir: Path, out_dir: Path) -> dict[str, str]:
    image = parts.maybe_one_of(resource_types.DOCKER_IMAGE)
    if image is None:
        application = parts.one_of(resource_types.CONTAINER_APPLICATION)
        return {"image": known_str(application, "image")}
    return {
        "image": relative_path(program_dir / known_str(image, "build.dockerfile"), out_dir),
        "image_build_context": relative_path(program_dir / known_str(image, "build.context"), out_dir),
    }
