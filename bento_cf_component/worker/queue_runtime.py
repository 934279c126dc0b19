"""The queue pattern's part of the Worker's runtime settings: ``queue`` and ``schedule``.

Contract (docs/architecture.md, "Queue pattern"):
``{"queue": {"binding": "BENTO_QUEUE", "ingestPath": "/ingest", "retryDelaySeconds": 0},
"schedule": {"path": "/post"}}``. The checks mirror ``worker/src/settings-queue.js``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from bento_cf_component.worker.paths import WORKER_PATHS, is_management_path

QUEUE_BINDING = "BENTO_QUEUE"
"""The producer binding name of the main queue (type ``queue``)."""

# Cloudflare Queues: a retry may be delayed by at most 12 hours.
MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60
_BINDING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class QueueRuntime:
    """Where producers post (``ingest_path``), which binding they send to, and the retry delay."""

    binding: str
    ingest_path: str
    retry_delay_seconds: int

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("invalid queue runtime settings: " + "; ".join(problems))

    def problems(self) -> list[str]:
        problems: list[str] = []
        if not isinstance(self.binding, str) or not _BINDING_NAME.match(self.binding):
            problems.append(f"queue binding must be a binding name, not {self.binding!r}")
        path_problem = _public_path_problem(self.ingest_path)
        if path_problem is not None:
            problems.append(f"queue ingest_path {path_problem}, not {self.ingest_path!r}")
        delay = self.retry_delay_seconds
        if not (
            isinstance(delay, int) and not isinstance(delay, bool) and 0 <= delay <= MAX_RETRY_DELAY_SECONDS
        ):
            problems.append(
                f"queue retry_delay_seconds must be an integer 0-{MAX_RETRY_DELAY_SECONDS}, not {delay!r}"
            )
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "binding": self.binding,
            "ingestPath": self.ingest_path,
            "retryDelaySeconds": self.retry_delay_seconds,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueueRuntime:
        return cls(
            binding=data["binding"],
            ingest_path=data["ingestPath"],
            retry_delay_seconds=data["retryDelaySeconds"],
        )


@dataclass(frozen=True)
class ScheduleRuntime:
    """On a cron trigger the Worker POSTs ``{}`` to ``path`` in one container."""

    path: str

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path.startswith("/") or is_management_path(self.path):
            raise ValueError(
                f"schedule path must start with '/' and not be a Bento management path, not {self.path!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScheduleRuntime:
        return cls(path=data["path"])


def queue_from_dict(data: Mapping[str, Any] | None) -> QueueRuntime | None:
    """``QueueRuntime.from_dict``, or None for an absent/null ``queue`` key."""
    return None if data is None else QueueRuntime.from_dict(data)


def schedule_from_dict(data: Mapping[str, Any] | None) -> ScheduleRuntime | None:
    """``ScheduleRuntime.from_dict``, or None for an absent/null ``schedule`` key."""
    return None if data is None else ScheduleRuntime.from_dict(data)


def queue_pattern_problems(
    *,
    pattern: str,
    queue: QueueRuntime | None,
    schedule: ScheduleRuntime | None,
    input_path: str,
    input_methods: Collection[str],
    taken_names: Collection[str],
) -> list[str]:
    """Cross-field checks of ``RuntimeSettings``: queue/schedule present exactly with pattern queue.

    ``taken_names``: binding names already used (the Worker's own and the secrets').
    """
    if pattern != "queue":
        return [
            f"{name} is only valid with pattern 'queue'"
            for name, v in (("queue", queue), ("schedule", schedule))
            if v
        ]
    if queue is None:
        return ["pattern 'queue' needs queue (QueueRuntime)"]
    problems: list[str] = []
    if queue.binding in taken_names:
        problems.append(f"queue binding {queue.binding} collides with another binding of the Worker")
    # The consumer POSTs each batch to input_path itself: a literal path that takes POST.
    if isinstance(input_path, str) and "{" in input_path:
        problems.append(f"input_path must be a literal path with pattern 'queue', not {input_path!r}")
    if "POST" not in {str(method).upper() for method in input_methods}:
        problems.append("input_methods must include POST with pattern 'queue'")
    return problems


def _public_path_problem(path: object) -> str | None:
    if not isinstance(path, str) or not path.startswith("/"):
        return "must start with '/'"
    segments = path.split("/")[1:]
    if "%" in path or "//" in path or any(segment in (".", "..") for segment in segments):
        return "must be a plain path (no percent-escapes, '//' or dot segments)"
    if path in WORKER_PATHS or is_management_path(path):
        return "must not be /ping, /ready or a Bento management path"
    return None
