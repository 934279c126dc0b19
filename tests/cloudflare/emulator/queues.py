"""The Queues part of the emulator: queues and their consumers, with state.

Error answers and their sources (docs/cloudflare.md, "Error codes met"):

* ``11000`` queue not found, HTTP 404 — the code distilled-cloudflare (Alchemy) tags ``QueueNotFound``
  on the consumer endpoints; cloudflare-docs' Queues error page documents ``10104 QueueNotFound``
  for the messages API only.
* ``11001`` "Queue handler is missing", HTTP 400 — the Worker exists but exports no ``queue()``
  (alchemy-run/distilled PR #273; public runbooks quote ``[code: 11001]``).
* ``11004`` "workers.api.error.consumer_exists", HTTP 400 — the queue already has a consumer
  (workers-sdk#5347; ``ConsumerAlreadyExists`` in distilled).
* A consumer for a Worker that does not exist: **undocumented**. The emulator answers ``10007``
  (the Workers "not found" code) as an assumption; the provider checks the script itself first.
* A missing consumer on GET/DELETE: HTTP 404, code undocumented (none is sent). ``PUT`` on a
  missing consumer creates it ("Replaces a Queue consumer, or creates it if it does not exist",
  SDK 5.9 docstring).
* A dead-letter queue that does not exist is created ("DLQ auto-created if missing", Cloudflare
  docs, reference §7.3).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from emulator.failure import ApiFailure

NOW = "2026-10-01T00:00:00Z"
SETTING_LIMITS = {"batch_size": 100, "max_wait_time_ms": 60_000, "max_retries": 100, "max_concurrency": 250}
"""Platform limits (reference §7.3); the provider's check() refuses more, so reaching them is a bug."""
_QUEUE_HANDLER = re.compile(r"\bqueue\s*\(")


@dataclass
class QueueState:
    id: str
    name: str
    consumers: dict[str, dict[str, Any]] = field(default_factory=dict)


class QueuesEmulator:
    """Mixed into ``CloudflareEmulator``; needs its ``scripts`` and the ``ApiFailure`` type."""

    queues: dict[str, QueueState]
    scripts: dict[str, Any]

    # ------------------------------------------------------------- test helpers
    def seed_queue(self, name: str) -> QueueState:
        """A queue created outside (pulumi_cloudflare.Queue earlier in the program, wrangler)."""
        queue = QueueState(id=secrets.token_hex(16), name=name)
        self.queues[queue.id] = queue
        return queue

    def seed_consumer(self, queue: QueueState, script: str, **settings: Any) -> dict[str, Any]:
        """A Worker consumer attached outside Pulumi (``wrangler deploy`` with queues.consumers)."""
        consumer = self._consumer(queue, {"type": "worker", "script_name": script, "settings": settings})
        queue.consumers[consumer["consumer_id"]] = consumer
        return consumer

    def queue_named(self, name: str) -> QueueState | None:
        return next((q for q in self.queues.values() if q.name == name), None)

    # ------------------------------------------------------------- handlers
    def _list_queues(self, _p: dict[str, str], query: dict[str, list[str]], _b: Any) -> dict[str, Any]:
        queues = [self._queue_body(q) for q in self.queues.values()]
        if "name" in query:
            queues = [q for q in queues if q["queue_name"] == query["name"][0]]
        return {"__page__": queues, "result_info": {"page": 1, "per_page": 100, "count": len(queues)}}

    def _get_queue(self, params: dict[str, str], _q: Any, _b: Any) -> dict[str, Any]:
        return self._queue_body(self._queue(params["queue"]))

    def _list_consumers(self, params: dict[str, str], _q: Any, _b: Any) -> dict[str, Any]:
        consumers = list(self._queue(params["queue"]).consumers.values())
        return {"__page__": consumers, "result_info": {"page": 1, "per_page": 100, "count": len(consumers)}}

    def _get_consumer(self, params: dict[str, str], _q: Any, _b: Any) -> dict[str, Any]:
        queue = self._queue(params["queue"])
        consumer = queue.consumers.get(params["consumer"])
        if consumer is None:
            raise ApiFailure(404, None, "Consumer not found")
        return consumer

    def _create_consumer(self, params: dict[str, str], _q: Any, body: Any) -> dict[str, Any]:
        queue = self._queue(params["queue"])
        self._check_consumer_body(body)
        if queue.consumers:
            raise ApiFailure(400, 11004, "workers.api.error.consumer_exists")
        consumer = self._consumer(queue, body)
        queue.consumers[consumer["consumer_id"]] = consumer
        return consumer

    def _update_consumer(self, params: dict[str, str], _q: Any, body: Any) -> dict[str, Any]:
        queue = self._queue(params["queue"])
        self._check_consumer_body(body)
        others = [c for cid, c in queue.consumers.items() if cid != params["consumer"]]
        if others:
            raise ApiFailure(400, 11004, "workers.api.error.consumer_exists")
        consumer = self._consumer(queue, body, consumer_id=params["consumer"])
        queue.consumers[consumer["consumer_id"]] = consumer
        return consumer

    def _delete_consumer(self, params: dict[str, str], _q: Any, _b: Any) -> None:
        queue = self._queue(params["queue"])
        if params["consumer"] not in queue.consumers:
            raise ApiFailure(404, None, "Consumer not found")
        del queue.consumers[params["consumer"]]
        return None

    # ------------------------------------------------------------- internals
    def _queue(self, queue_id: str) -> QueueState:
        queue = self.queues.get(queue_id)
        if queue is None:
            raise ApiFailure(404, 11000, "Queue does not exist")
        return queue

    def _check_consumer_body(self, body: Any) -> None:
        if not isinstance(body, dict) or body.get("type") != "worker" or not body.get("script_name"):
            raise ApiFailure(400, 0, "emulator: a worker consumer needs type 'worker' and script_name")
        settings = body.get("settings") or {}
        for key, limit in SETTING_LIMITS.items():
            value = settings.get(key)
            if value is not None and not 0 <= value <= limit:
                raise ApiFailure(400, 0, f"emulator: settings.{key} {value} is outside 0..{limit}")
        script = self.scripts.get(body["script_name"])
        if script is None:
            raise ApiFailure(400, 10007, "This Worker does not exist on your account.")
        if not any(_QUEUE_HANDLER.search(text) for text in script.modules.values()):
            raise ApiFailure(400, 11001, "Queue handler is missing")
        dead_letter = body.get("dead_letter_queue")
        if dead_letter and self.queue_named(dead_letter) is None:
            self.seed_queue(dead_letter)

    def _consumer(
        self, queue: QueueState, body: dict[str, Any], consumer_id: str | None = None
    ) -> dict[str, Any]:
        settings = dict(body.get("settings") or {})
        return {
            "consumer_id": consumer_id or secrets.token_hex(16),
            "created_on": NOW,
            "dead_letter_queue": body.get("dead_letter_queue") or "",
            "queue_name": queue.name,
            # wrangler's client types the live answer as ``script``; the SDK as ``script_name``.
            "script": body["script_name"],
            "script_name": body["script_name"],
            "settings": {
                "batch_size": settings.get("batch_size", 10),
                "max_concurrency": settings.get("max_concurrency"),
                "max_retries": settings.get("max_retries", 3),
                "max_wait_time_ms": settings.get("max_wait_time_ms", 5000),
                "retry_delay": settings.get("retry_delay", 0),
            },
            "type": "worker",
        }

    def _queue_body(self, queue: QueueState) -> dict[str, Any]:
        return {
            "queue_id": queue.id,
            "queue_name": queue.name,
            "created_on": NOW,
            "modified_on": NOW,
            "consumers": list(queue.consumers.values()),
            "consumers_total_count": len(queue.consumers),
            "producers": [],
            "producers_total_count": 0,
            "settings": {"delivery_paused": False},
        }
