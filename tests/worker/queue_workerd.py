"""Starting the Worker in workerd (miniflare) with real local queues: harness/queue-harness.mjs."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bento_cf_component.worker.bundle import WorkerBundle
from bento_cf_component.worker.runtime_settings import RuntimeSettings

from .workerd import RunningWorker, start_worker

QUEUE_HARNESS = Path(__file__).parent / "harness" / "queue-harness.mjs"


@dataclass(frozen=True)
class QueueConsumerConfig:
    """The local queue's consumer settings (wrangler's names, in miniflare's units)."""

    name: str = "bento-cf-queue"
    dead_letter_queue: str = "bento-cf-dlq"
    max_batch_size: int = 10
    max_batch_timeout_s: float = 0.05
    max_retries: int = 3
    retry_delay_s: int = 0


@contextlib.contextmanager
def running_queue_worker(
    bundle: WorkerBundle,
    settings: RuntimeSettings | Mapping[str, object],
    *,
    standin_url: str,
    text_bindings: Mapping[str, str],
    consumer: QueueConsumerConfig = QueueConsumerConfig(),
    forwarding: str = "batch",
    report_invocations: bool = True,
) -> Iterator[RunningWorker]:
    with tempfile.TemporaryDirectory(prefix="bento-cf-queue-workerd-") as tmp:
        worker = start_worker(
            bundle,
            settings,
            standin_url=standin_url,
            text_bindings=text_bindings,
            workdir=Path(tmp),
            harness=QUEUE_HARNESS,
            extra_config={
                "forwarding": forwarding,
                "reportInvocations": report_invocations,
                "queue": {
                    "name": consumer.name,
                    "deadLetterQueue": consumer.dead_letter_queue,
                    "maxBatchSize": consumer.max_batch_size,
                    "maxBatchTimeout": consumer.max_batch_timeout_s,
                    "maxRetries": consumer.max_retries,
                    "retryDelay": consumer.retry_delay_s,
                },
            },
        )
        try:
            yield worker
        finally:
            worker.stop()
