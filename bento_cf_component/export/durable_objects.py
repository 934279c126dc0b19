"""The container class: its Durable Object binding and the one migration that creates it."""

from __future__ import annotations

from typing import Any

from bento_cf_component.cloudflare.migrations import MIGRATION_TAG
from bento_cf_component.export import resource_types
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.known import known_str


def durable_object_fields(parts: ComponentResources) -> dict[str, Any]:
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    class_name = known_str(worker, "container_class")
    return {
        "durable_objects": {
            "bindings": [{"name": known_str(worker, "durable_object_binding"), "class_name": class_name}]
        },
        # The same tag bento-cf sends: wrangler reads the live tag and sends nothing once it is v1,
        # so switching tools keeps the class and its storage.
        "migrations": [{"tag": MIGRATION_TAG, "new_sqlite_classes": [class_name]}],
    }
