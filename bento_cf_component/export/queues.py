"""Queues, for the queue pattern: producer bindings, the consumer and its settings.

No pattern declares queues yet; this maps what that pattern will record — pulumi-cloudflare
``Queue`` and ``QueueConsumer`` resources and ``queue`` bindings among the Worker's extra
bindings — to wrangler's ``queues`` block (cloudflare-containers.md §7). A consumer names its
queue by id, which only a deploy knows, so the queue is found through the consumer's dependency
on the ``Queue`` resource the plan recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bento_cf_component.cli.plan_engine import PlannedResource
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.export import resource_types
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.known import known, known_str

QUEUE_BINDING_TYPE = "queue"

# pulumi-cloudflare QueueConsumerSettings → wrangler queues.consumers[] (wrangler key, divisor).
_CONSUMER_SETTINGS: dict[str, tuple[str, int]] = {
    "batchSize": ("max_batch_size", 1),
    "maxWaitTimeMs": ("max_batch_timeout", 1000),  # wrangler counts seconds
    "maxRetries": ("max_retries", 1),
    "maxConcurrency": ("max_concurrency", 1),
    "retryDelay": ("retry_delay", 1),
    "visibilityTimeoutMs": ("visibility_timeout_ms", 1),
}


@dataclass(frozen=True)
class QueueExport:
    fields: dict[str, Any] = field(default_factory=dict)
    """``{"queues": {...}}`` when there is anything to say, else empty."""
    to_create: tuple[str, ...] = ()
    """Queue names wrangler expects to exist already (``wrangler queues create``)."""


def queue_fields(parts: ComponentResources) -> QueueExport:
    queues = {r.urn: known_str(r, "queueName") for r in parts.all_of(resource_types.QUEUE)}
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    producers = [
        {"binding": str(extra["name"]), "queue": str(extra["queue_name"])}
        for extra in known(worker, "extra_bindings", default=[])
        if isinstance(extra, dict) and extra.get("type") == QUEUE_BINDING_TYPE
    ]
    consumers = [_consumer(c, queues) for c in parts.all_of(resource_types.QUEUE_CONSUMER)]
    block: dict[str, Any] = {}
    if producers:
        block["producers"] = producers
    if consumers:
        block["consumers"] = consumers
    return QueueExport({"queues": block} if block else {}, tuple(sorted(set(queues.values()))))


def _consumer(consumer: PlannedResource, queues: dict[str, str]) -> dict[str, Any]:
    dead_letter = known(consumer, "deadLetterQueue", required=False)
    candidates = sorted({queues[urn] for urn in consumer.depends_on if urn in queues} - {dead_letter})
    if len(candidates) != 1:
        raise BentoCfConfigError(
            [
                f"{consumer.name}: cannot tell which queue it consumes (depends on "
                f"{', '.join(candidates) or 'no queue'}); declare it with queue_id=<Queue>.queue_id"
            ]
        )
    entry: dict[str, Any] = {"queue": candidates[0]}
    kind = known(consumer, "type", default="worker")
    if kind != "worker":
        raise BentoCfConfigError(
            [f"{consumer.name}.type is {kind!r}; wrangler config only has worker consumers"]
        )
    settings = known(consumer, "settings", default={})
    for key, (wrangler_key, divisor) in _CONSUMER_SETTINGS.items():
        value = settings.get(key) if isinstance(settings, dict) else None
        if isinstance(value, int | float):
            scaled = value / divisor
            entry[wrangler_key] = int(scaled) if float(scaled).is_integer() else scaled
    if dead_letter is not None:
        entry["dead_letter_queue"] = dead_letter
    return entry
