"""Queues, for the queue pattern: producer bindings, the consumer and its settings.

Maps what the queue pattern records — ``Queue`` resources, bento-cf's ``QueueConsumer`` (which
names its queue and dead-letter queue by name, with wrangler's settings) and the ``queue``
bindings among the Worker's extra bindings — to wrangler's ``queues`` block
(cloudflare-containers.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bento_cf_component.cli.plan_engine import PlannedResource
from bento_cf_component.export import resource_types
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.known import known, known_str

QUEUE_BINDING_TYPE = "queue"

# bento-cf QueueConsumer input → wrangler queues.consumers[] key, and the divisor to its unit.
_CONSUMER_SETTINGS: dict[str, tuple[str, int]] = {
    "batch_size": ("max_batch_size", 1),
    "max_wait_time_ms": ("max_batch_timeout", 1000),  # wrangler counts seconds
    "max_retries": ("max_retries", 1),
    "max_concurrency": ("max_concurrency", 1),
    "retry_delay": ("retry_delay", 1),
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
    consumers = [_consumer(c) for c in parts.all_of(resource_types.QUEUE_CONSUMER)]
    block: dict[str, Any] = {}
    if producers:
        block["producers"] = producers
    if consumers:
        block["consumers"] = consumers
    return QueueExport({"queues": block} if block else {}, tuple(sorted(set(queues.values()))))


def _consumer(consumer: PlannedResource) -> dict[str, Any]:
    entry: dict[str, Any] = {"queue": known_str(consumer, "queue_name")}
    for key, (wrangler_key, divisor) in _CONSUMER_SETTINGS.items():
        value = known(consumer, key, required=False)
        if isinstance(value, int | float) and not isinstance(value, bool):
            scaled = value / divisor
            entry[wrangler_key] = int(scaled) if float(scaled).is_integer() else scaled
    dead_letter = known(consumer, "dead_letter_queue", required=False)
    if dead_letter:
        entry["dead_letter_queue"] = dead_letter
    return entry


def cron_fields(parts: ComponentResources) -> dict[str, Any]:
    """The cron schedule (queue pattern), as wrangler's ``triggers.crons``."""
    crons = [
        str(schedule["cron"])
        for trigger in parts.all_of(resource_types.CRON_TRIGGER)
        for schedule in known(trigger, "schedules", default=[])
        if isinstance(schedule, dict) and schedule.get("cron")
    ]
    return {"triggers": {"crons": crons}} if crons else {}
