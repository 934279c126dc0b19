"""``QueueConsumer``: the Worker consumer of a queue (queue pattern), created or adopted.

pulumi-cloudflare's ``QueueConsumer`` needs the queue id, fails when a consumer already exists and
cannot be imported (reference §7.4); this resource converges instead, as wrangler does (§7.2):

create  1. resolve the queue id by name (``queues.list``, briefly polled: a queue created earlier
           in the same program can lag);
        2. refuse a Worker that does not exist (``workers.scripts.list``), so the message does not
           depend on the consumer API's undocumented answer for that case;
        3. list the queue's consumers: a Worker consumer for our script is adopted and given our
           settings (``PUT``, only if they differ); a consumer of another script is a conflict;
        4. otherwise ``POST``. ``11001`` (no ``queue()`` handler yet) is retried briefly, then
           reported; ``11004`` (a consumer appeared meanwhile) re-lists and adopts ours.
update  ``PUT`` with the new settings (the engine calls it only when a setting changed).
delete  delete the consumer; a 404 (consumer or queue gone) counts as gone.

Queue, script or account changes replace the consumer, deleting the old one first (a queue feeds
one Worker consumer).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cloudflare
import pulumi
from cloudflare import Cloudflare, NotFoundError, omit
from cloudflare.types.queues.consumer_create_params import MqWorkerConsumerRequestSettings
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from bento_cf_component.cloudflare.client import make_client
from bento_cf_component.cloudflare.errors import (
    QUEUES_WRITE,
    CloudflareDeployError,
    cloudflare_errors,
    has_error,
)
from bento_cf_component.cloudflare.migrations import read_live_script
from bento_cf_component.cloudflare.props import as_int, as_str, changed_keys, is_unknown

INPUT_KEYS = (
    "account_id",
    "queue_name",
    "script_name",
    "dead_letter_queue",
    "batch_size",
    "max_wait_time_ms",
    "max_retries",
    "retry_delay",
    "max_concurrency",
)
REPLACE_KEYS = ("account_id", "queue_name", "script_name")
DEFAULTS: dict[str, Any] = {"batch_size": 10, "max_wait_time_ms": 5000, "max_retries": 3, "retry_delay": 0}
"""Cloudflare's own defaults (reference §7.3), so an adopted wrangler consumer with defaults is a no-op."""
LIMITS: dict[str, tuple[int, int]] = {
    "batch_size": (1, 100),
    "max_wait_time_ms": (0, 60_000),
    "max_retries": (0, 100),
    "retry_delay": (0, 43_200),
    "max_concurrency": (1, 250),
}
"""Platform limits (reference §7.3): batch 100, wait 60 s, retries 100, delay 12 h, 250 invocations."""

QUEUE_POLL_ATTEMPTS = 5
HANDLER_POLL_ATTEMPTS = 5
POLL_DELAY_SECONDS = 1.0
"""A fresh queue, or a just-uploaded queue() handler, can take a moment to be seen by the consumer API."""
QUEUE_NOT_FOUND = 11000
HANDLER_MISSING = 11001
CONSUMER_EXISTS = 11004


@dataclass(frozen=True)
class Wanted:
    """The consumer this resource's inputs ask for."""

    account_id: str
    queue_name: str
    script_name: str
    dead_letter_queue: str
    settings: MqWorkerConsumerRequestSettings

    @staticmethod
    def from_props(props: Mapping[str, Any]) -> Wanted:
        settings: MqWorkerConsumerRequestSettings = {
            "batch_size": as_int(props, "batch_size", DEFAULTS["batch_size"]),
            "max_wait_time_ms": as_int(props, "max_wait_time_ms", DEFAULTS["max_wait_time_ms"]),
            "max_retries": as_int(props, "max_retries", DEFAULTS["max_retries"]),
            "retry_delay": as_int(props, "retry_delay", DEFAULTS["retry_delay"]),
        }
        # None = the platform's maximum; a PUT replaces the consumer, so leaving it out resets it.
        if props.get("max_concurrency") is not None:
            settings["max_concurrency"] = as_int(props, "max_concurrency", 0)
        return Wanted(
            account_id=as_str(props, "account_id"),
            queue_name=as_str(props, "queue_name"),
            script_name=as_str(props, "script_name"),
            dead_letter_queue=str(props.get("dead_letter_queue") or ""),
            settings=settings,
        )


@dataclass(frozen=True)
class LiveConsumer:
    id: str
    script: str
    dead_letter_queue: str
    settings: dict[str, float | None]

    @staticmethod
    def of(consumer: object) -> LiveConsumer:
        extra = getattr(consumer, "model_extra", None) or {}
        # The SDK types the Worker as ``script_name``; wrangler's client reads ``script``.
        script = getattr(consumer, "script_name", None) or extra.get("script") or ""
        raw = getattr(consumer, "settings", None)
        settings = {
            key: getattr(raw, key, None)
            for key in ("batch_size", "max_wait_time_ms", "max_retries", "retry_delay", "max_concurrency")
        }
        return LiveConsumer(
            id=str(getattr(consumer, "consumer_id", None) or ""),
            script=str(script),
            dead_letter_queue=str(getattr(consumer, "dead_letter_queue", None) or ""),
            settings=settings,
        )

    def matches(self, wanted: Wanted) -> bool:
        desired = {
            "batch_size": wanted.settings.get("batch_size"),
            "max_wait_time_ms": wanted.settings.get("max_wait_time_ms"),
            "max_retries": wanted.settings.get("max_retries"),
            "retry_delay": wanted.settings.get("retry_delay"),
            "max_concurrency": wanted.settings.get("max_concurrency"),
        }
        return self.settings == desired and self.dead_letter_queue == wanted.dead_letter_queue


def resolve_queue_id(client: Cloudflare, account_id: str, queue_name: str) -> str:
    """The id of the queue with this name; briefly polled, never empty."""
    for attempt in range(QUEUE_POLL_ATTEMPTS):
        with cloudflare_errors("listing queues", permission=QUEUES_WRITE):
            # ``name`` narrows the list server-side (what wrangler sends); the match below decides.
            for queue in client.queues.list(account_id=account_id, extra_query={"name": queue_name}):
                if queue.queue_name == queue_name and queue.queue_id:
                    return queue.queue_id
        if attempt + 1 < QUEUE_POLL_ATTEMPTS:
            time.sleep(POLL_DELAY_SECONDS)
    raise CloudflareDeployError(
        f"queue '{queue_name}' does not exist on account {account_id}; create it (pulumi_cloudflare.Queue, "
        "or wrangler queues create) or fix queue_name, then re-run"
    )


def list_consumers(client: Cloudflare, account_id: str, queue_id: str, queue_name: str) -> list[LiveConsumer]:
    with cloudflare_errors(f"listing the consumers of queue '{queue_name}'", permission=QUEUES_WRITE):
        return [
            LiveConsumer.of(c)
            for c in client.queues.consumers.list(queue_id, account_id=account_id)
            if getattr(c, "type", "worker") == "worker"
        ]


def _conflict(wanted: Wanted, other: LiveConsumer) -> CloudflareDeployError:
    return CloudflareDeployError(
        f"queue '{wanted.queue_name}' is already consumed by Worker '{other.script}' (consumer "
        f"{other.id}), not '{wanted.script_name}'; a queue feeds one Worker consumer: remove it (wrangler "
        f"queues consumer remove {wanted.queue_name} {other.script}) or use another queue, then re-run"
    )


def _put(client: Cloudflare, queue_id: str, consumer_id: str, wanted: Wanted) -> None:
    with cloudflare_errors(f"updating the consumer of queue '{wanted.queue_name}'", permission=QUEUES_WRITE):
        client.queues.consumers.update(
            consumer_id,
            account_id=wanted.account_id,
            queue_id=queue_id,
            script_name=wanted.script_name,
            type="worker",
            dead_letter_queue=wanted.dead_letter_queue or omit,
            settings=wanted.settings,
        )


def _adopt(client: Cloudflare, queue_id: str, consumers: list[LiveConsumer], wanted: Wanted) -> str | None:
    """The id of our consumer, brought to ``wanted``; ``None`` when the queue has no consumer."""
    ours = next((c for c in consumers if c.script == wanted.script_name), None)
    if ours is None:
        if consumers:
            raise _conflict(wanted, consumers[0])
        return None
    if not ours.matches(wanted):
        _put(client, queue_id, ours.id, wanted)
    return ours.id


def _post(client: Cloudflare, queue_id: str, wanted: Wanted) -> str | None:
    """The new consumer's id, or ``None`` when Cloudflare says a consumer already exists."""
    action = f"attaching Worker '{wanted.script_name}' to queue '{wanted.queue_name}'"
    for attempt in range(HANDLER_POLL_ATTEMPTS):
        with cloudflare_errors(action, permission=QUEUES_WRITE):
            try:
                created = client.queues.consumers.create(
                    queue_id,
                    account_id=wanted.account_id,
                    script_name=wanted.script_name,
                    type="worker",
                    dead_letter_queue=wanted.dead_letter_queue or omit,
                    settings=wanted.settings,
                )
                return LiveConsumer.of(created).id
            except cloudflare.APIStatusError as exc:
                if has_error(exc, code=CONSUMER_EXISTS):
                    return None
                last = attempt + 1 == HANDLER_POLL_ATTEMPTS
                if not has_error(exc, code=HANDLER_MISSING) or last:
                    raise
        time.sleep(POLL_DELAY_SECONDS)
    raise AssertionError("unreachable: the last attempt returns or raises")


def create_or_adopt(client: Cloudflare, wanted: Wanted) -> tuple[str, str]:
    """(queue id, consumer id) after making sure our Worker consumes the queue with our settings."""
    queue_id = resolve_queue_id(client, wanted.account_id, wanted.queue_name)
    if not read_live_script(client, wanted.account_id, wanted.script_name).exists:
        raise CloudflareDeployError(
            f"Worker '{wanted.script_name}' does not exist, so it cannot consume queue "
            f"'{wanted.queue_name}'; the QueueConsumer must depend on the WorkerScript (depends_on) and "
            "the script must export queue(); re-run once it is deployed"
        )
    consumer_id = _adopt(
        client, queue_id, list_consumers(client, wanted.account_id, queue_id, wanted.queue_name), wanted
    )
    if consumer_id is None:
        consumer_id = _post(client, queue_id, wanted)
    if consumer_id is None:  # 11004: created meanwhile (an interrupted or concurrent run)
        consumers = list_consumers(client, wanted.account_id, queue_id, wanted.queue_name)
        consumer_id = _adopt(client, queue_id, consumers, wanted)
        if consumer_id is None:
            raise CloudflareDeployError(
                f"attaching Worker '{wanted.script_name}' to queue '{wanted.queue_name}' failed: Cloudflare "
                "says the queue already has a consumer but lists none; re-run in a minute"
            )
    return queue_id, consumer_id


class QueueConsumerProvider(ResourceProvider):
    """CRUD for the queue's Worker consumer through the official SDK. Holds no state: it is pickled."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {**DEFAULTS, **{k: v for k, v in news.items() if v is not None or k == "max_concurrency"}}
        inputs.setdefault("max_concurrency", None)
        inputs.setdefault("dead_letter_queue", None)
        return CheckResult(inputs, [CheckFailure(key, reason) for key, reason in _validate(inputs)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = changed_keys(olds, news, INPUT_KEYS)
        replaces = [key for key in changes if key in REPLACE_KEYS]
        return DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=bool(replaces))

    def create(self, props: dict[str, Any]) -> CreateResult:
        wanted = Wanted.from_props(props)
        queue_id, consumer_id = create_or_adopt(make_client(), wanted)
        return CreateResult(id_=consumer_id, outs=_outs(props, queue_id, consumer_id))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        wanted = Wanted.from_props(news)
        queue_id = str(olds.get("queue_id") or "")
        consumer_id = str(olds.get("consumer_id") or id_)
        client = make_client()
        if not queue_id:
            queue_id = resolve_queue_id(client, wanted.account_id, wanted.queue_name)
        _put(client, queue_id, consumer_id, wanted)  # a PUT replaces (or re-creates) the consumer
        return UpdateResult(outs=_outs(news, queue_id, consumer_id))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        account_id = as_str(props, "account_id")
        queue_id = as_str(props, "queue_id")
        client = make_client()
        with cloudflare_errors("reading the queue consumer", permission=QUEUES_WRITE):
            try:
                live = LiveConsumer.of(
                    client.queues.consumers.get(id_, account_id=account_id, queue_id=queue_id)
                )
            except NotFoundError:
                return ReadResult(id_="", outs={})
        outs = dict(props)
        outs.update(
            {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in live.settings.items()}
        )
        outs["dead_letter_queue"] = live.dead_letter_queue or None
        return ReadResult(id_=id_, outs=outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        account_id = as_str(props, "account_id")
        queue_id = str(props.get("queue_id") or "")
        if not queue_id:
            return  # never created
        client = make_client()
        action = f"detaching the consumer of queue '{props.get('queue_name')}'"
        # 404: the consumer (or its queue) is already gone.
        with cloudflare_errors(action, permission=QUEUES_WRITE), contextlib.suppress(NotFoundError):
            client.queues.consumers.delete(
                str(props.get("consumer_id") or id_), account_id=account_id, queue_id=queue_id
            )


def _outs(props: Mapping[str, Any], queue_id: str, consumer_id: str) -> dict[str, Any]:
    return {**{key: props.get(key) for key in INPUT_KEYS}, "queue_id": queue_id, "consumer_id": consumer_id}


def _validate(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(property, reason) for every invalid known input; unknown (preview) values pass."""
    problems: list[tuple[str, str]] = []
    for key in ("account_id", "queue_name", "script_name"):
        value = inputs.get(key)
        if not is_unknown(value) and (not isinstance(value, str) or not value.strip()):
            problems.append((key, f"'{key}' is required and must be a non-empty string"))
    dead_letter = inputs.get("dead_letter_queue")
    if not is_unknown(dead_letter) and dead_letter is not None:
        if not isinstance(dead_letter, str) or not dead_letter.strip():
            problems.append(("dead_letter_queue", "'dead_letter_queue' must be a queue name or None"))
        elif dead_letter == inputs.get("queue_name"):
            problems.append(("dead_letter_queue", "the dead-letter queue must differ from the queue itself"))
    for key, (low, high) in LIMITS.items():
        value = inputs.get(key)
        if is_unknown(value) or (value is None and key == "max_concurrency"):
            continue
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or int(number) != number or not low <= number <= high:
            extra = " (None = the platform's maximum)" if key == "max_concurrency" else ""
            problems.append((key, f"{key} {value!r} must be a whole number from {low} to {high}{extra}"))
    return problems


class QueueConsumer(Resource, module="bentocf", name="QueueConsumer"):
    """The Worker consumer of a queue, created or adopted (dynamic resource)."""

    consumer_id: pulumi.Output[str]
    queue_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        account_id: pulumi.Input[str],
        queue_name: pulumi.Input[str],
        script_name: pulumi.Input[str],
        dead_letter_queue: pulumi.Input[str] | None = None,
        batch_size: pulumi.Input[int] = 10,
        max_wait_time_ms: pulumi.Input[int] = 5000,
        max_retries: pulumi.Input[int] = 3,
        retry_delay: pulumi.Input[int] = 0,
        max_concurrency: pulumi.Input[int] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "account_id": account_id,
            "queue_name": queue_name,
            "script_name": script_name,
            "dead_letter_queue": dead_letter_queue,
            "batch_size": batch_size,
            "max_wait_time_ms": max_wait_time_ms,
            "max_retries": max_retries,
            "retry_delay": retry_delay,
            "max_concurrency": max_concurrency,
            "consumer_id": None,
            "queue_id": None,
        }
        super().__init__(QueueConsumerProvider(), resource_name, props, opts)
