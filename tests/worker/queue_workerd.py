"""Starting the Worker in workerd (miniflare) with real local queues: harness/queue-harness.mjs."""

from __future__ import annotations

import contextlib
import json
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bento_cf_component.worker.bundle import WORKER_DIR, WorkerBundle
from bento_cf_component.worker.runtime_settings import RuntimeSettings

from .workerd import RunningWorker, _wait_for_url

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
        workdir = Path(tmp)
        bundle_path = workdir / bundle.main_module
        bundle_path.write_text(bundle.content, encoding="utf-8")
        ready_path = workdir / "ready.json"
        config_path = workdir / "harness-config.json"
        config_path.write_text(
            json.dumps(
                {
                    "workerDir": str(WORKER_DIR),
                    "bundlePath": str(bundle_path),
                    "compatibilityDate": bundle.compatibility_date,
                    "compatibilityFlags": list(bundle.compatibility_flags),
                    "settings": settings.to_dict()
                    if isinstance(settings, RuntimeSettings)
                    else dict(settings),
                    "textBindings": dict(text_bindings),
                    "standinUrl": standin_url,
                    "readyPath": str(ready_path),
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
                }
            ),
            encoding="utf-8",
        )
        log_path = workdir / "harness.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                ["node", str(QUEUE_HARNESS), str(config_path)],
                stdin=subprocess.PIPE,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=workdir,
            )
        url = _wait_for_url(process, ready_path, log_path)
        worker = RunningWorker(url=url.rstrip("/"), process=process, log_path=log_path)
        try:
            yield worker
        finally:
            worker.stop()
