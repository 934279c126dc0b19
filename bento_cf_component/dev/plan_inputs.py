"""What ``bento-cf dev`` takes from the offline plan: the uploaded module, its settings, queues.

Everything comes from the recorded ``WorkerScript`` and ``QueueConsumer`` inputs, so the local
Worker is byte for byte the one ``pulumi up`` would upload, with the same runtime settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bento_cf_component.cli.plan_engine import PlannedResource, PlanRecording, Secret, Unknown
from bento_cf_component.cloudflare.queue_consumer import DEFAULTS as CONSUMER_DEFAULTS
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.export.component_resources import ComponentResources, select_component
from bento_cf_component.export.resource_types import QUEUE_CONSUMER, WORKER_SCRIPT
from bento_cf_component.worker.runtime_settings import CONTAINER_CLASS_NAME as CONTAINER_CLASS


@dataclass(frozen=True)
class QueueTarget:
    binding: str
    name: str
    dead_letter_queue: str | None
    max_batch_size: int
    max_batch_timeout_s: float
    max_retries: int
    retry_delay_s: int
    max_concurrency: int | None
    """Not emulated by miniflare: local batches are consumed one at a time."""

    def miniflare_consumer(self) -> dict[str, Any]:
        consumer: dict[str, Any] = {
            "maxBatchSize": self.max_batch_size,
            "maxBatchTimeout": self.max_batch_timeout_s,
            "maxRetries": self.max_retries,
            "retryDelay": self.retry_delay_s,
        }
        if self.dead_letter_queue is not None:
            consumer["deadLetterQueue"] = self.dead_letter_queue
        return consumer


@dataclass(frozen=True)
class DevTarget:
    component: str
    script_name: str
    main_module: str
    module_content: str
    compatibility_date: str
    compatibility_flags: tuple[str, ...]
    settings_binding: str
    settings: dict[str, Any]
    container_binding: str
    queue: QueueTarget | None

    @property
    def pattern(self) -> str:
        return str(self.settings.get("pattern"))


def dev_target(recording: PlanRecording, stack: str, component: str | None) -> DevTarget:
    """The Worker of ``component`` (or the stack's only one) as the plan would upload it."""
    parts = select_component(recording, stack, component)
    worker = _one(parts, WORKER_SCRIPT)
    settings = json.loads(_text(worker, "settings_json"))
    if not isinstance(settings, dict):
        raise BentoCfConfigError([f"{worker.name}.settings_json is not a JSON object"])
    container_class = _text(worker, "container_class")
    if container_class != CONTAINER_CLASS:
        raise BentoCfConfigError(
            [f"{worker.name}: container class {container_class!r}; bento-cf dev serves {CONTAINER_CLASS}"]
        )
    return DevTarget(
        component=parts.name,
        script_name=_text(worker, "script_name"),
        main_module=_text(worker, "main_module"),
        module_content=_text(worker, "module_content"),
        compatibility_date=_text(worker, "compatibility_date"),
        compatibility_flags=tuple(str(flag) for flag in _value(worker, "compatibility_flags", [])),
        settings_binding=_text(worker, "settings_binding"),
        settings=settings,
        container_binding=_text(worker, "durable_object_binding"),
        queue=_queue(parts, worker, settings),
    )


def _queue(
    parts: ComponentResources, worker: PlannedResource, settings: dict[str, Any]
) -> QueueTarget | None:
    if settings.get("pattern") != "queue":
        return None
    binding = str((settings.get("queue") or {}).get("binding", ""))
    producers = [
        extra
        for extra in _value(worker, "extra_bindings", [])
        if isinstance(extra, dict) and extra.get("type") == "queue" and extra.get("name") == binding
    ]
    if len(producers) != 1 or not isinstance(producers[0].get("queue_name"), str):
        raise BentoCfConfigError([f"{worker.name}: no queue producer binding {binding!r} in the plan"])
    name = producers[0]["queue_name"]
    consumers = [c for c in parts.all_of(QUEUE_CONSUMER) if _value(c, "queue_name", None) == name]
    if len(consumers) != 1:
        raise BentoCfConfigError(
            [f"component {parts.name}: expected one consumer of queue {name}, found {len(consumers)}"]
        )
    consumer = consumers[0]

    def number(key: str) -> int:
        value = _value(consumer, key, CONSUMER_DEFAULTS.get(key))
        if not isinstance(value, int):
            raise BentoCfConfigError([f"{consumer.name}.{key} should be a number, the plan has {value!r}"])
        return value

    concurrency = _value(consumer, "max_concurrency", None)
    dead_letter = _value(consumer, "dead_letter_queue", None)
    return QueueTarget(
        binding=binding,
        name=name,
        dead_letter_queue=dead_letter if isinstance(dead_letter, str) else None,
        max_batch_size=number("batch_size"),
        max_batch_timeout_s=number("max_wait_time_ms") / 1000,
        max_retries=number("max_retries"),
        retry_delay_s=number("retry_delay"),
        max_concurrency=concurrency if isinstance(concurrency, int) else None,
    )


def _one(parts: ComponentResources, type_token: str) -> PlannedResource:
    found = parts.all_of(type_token)
    if len(found) != 1:
        raise BentoCfConfigError(
            [f"component {parts.name}: expected one {type_token} in the plan, found {len(found)}"]
        )
    return found[0]


def _value(resource: PlannedResource, key: str, default: Any) -> Any:
    value = resource.inputs.get(key, default)
    if isinstance(value, Unknown | Secret):
        # Only a deploy (or a decryption) would know it; a local run needs it as a plain value.
        raise BentoCfConfigError(
            [f"{resource.name}.{key} is secret or known only after deploy; give it as a plain value"]
        )
    return default if value is None else value


def _text(resource: PlannedResource, key: str) -> str:
    value = _value(resource, key, None)
    if not isinstance(value, str):
        raise BentoCfConfigError([f"{resource.name}.{key} should be text, the plan has {value!r}"])
    return value
