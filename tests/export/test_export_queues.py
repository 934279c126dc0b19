"""The queues block, ready for the queue pattern: mapped from a recorded plan, accepted by wrangler."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_cloudflare as cloudflare
import pytest

from bento_cf_component.cli.plan_engine import PlanRecording, record_declarations
from bento_cf_component.cloudflare.worker_script import WorkerScript
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.export import select_component
from bento_cf_component.export.queues import queue_fields
from bento_cf_component.export.resource_types import COMPONENT

from .wrangler_cli import DOCKER_STAND_IN, dry_run, read_jsonc

ACCOUNT = "0123456789abcdef0123456789abcdef"


def record_queue_component(*, consumer_knows_its_queue: bool = True) -> PlanRecording:
    """What the queue pattern will declare: a producer binding, a queue, its DLQ and a consumer."""

    def declare() -> None:
        component = pulumi.ComponentResource(COMPONENT, "events")
        child = pulumi.ResourceOptions(parent=component)
        WorkerScript(
            "events-worker",
            account_id=ACCOUNT,
            script_name="events",
            main_module="index.js",
            module_content="export default {}",
            compatibility_date="2026-04-01",
            settings_json="{}",
            extra_bindings=[{"type": "queue", "name": "BENTO_QUEUE", "queue_name": "bento-in"}],
            opts=child,
        )
        queue = cloudflare.Queue("events-queue", account_id=ACCOUNT, queue_name="bento-in", opts=child)
        dead = cloudflare.Queue("events-dlq", account_id=ACCOUNT, queue_name="bento-in-dlq", opts=child)
        cloudflare.QueueConsumer(
            "events-consumer",
            account_id=ACCOUNT,
            queue_id=queue.queue_id if consumer_knows_its_queue else "0" * 32,
            script_name="events",
            type="worker",
            dead_letter_queue=dead.queue_name,
            settings=cloudflare.QueueConsumerSettingsArgs(
                batch_size=50, max_wait_time_ms=5000, max_retries=3, retry_delay=10
            ),
            opts=child,
        )

    recording = record_declarations(declare)
    assert recording.errors == []
    return recording


def test_queues_map_to_wranglers_block() -> None:
    parts = select_component(record_queue_component(), "dev", None)
    exported = queue_fields(parts)
    assert exported.fields == {
        "queues": {
            "producers": [{"binding": "BENTO_QUEUE", "queue": "bento-in"}],
            "consumers": [
                {
                    "queue": "bento-in",  # found through the consumer's dependency, not its (unknown) id
                    "max_batch_size": 50,
                    "max_batch_timeout": 5,  # wrangler counts seconds, Cloudflare's API milliseconds
                    "max_retries": 3,
                    "retry_delay": 10,
                    "dead_letter_queue": "bento-in-dlq",
                }
            ],
        }
    }
    assert exported.to_create == ("bento-in", "bento-in-dlq")


def test_a_consumer_without_a_queue_dependency_is_refused() -> None:
    parts = select_component(record_queue_component(consumer_knows_its_queue=False), "dev", None)
    with pytest.raises(BentoCfConfigError, match="cannot tell which queue it consumes"):
        queue_fields(parts)


def test_no_queues_no_block() -> None:
    def declare() -> None:
        component = pulumi.ComponentResource(COMPONENT, "plain")
        WorkerScript(
            "plain-worker",
            account_id=ACCOUNT,
            script_name="plain",
            main_module="index.js",
            module_content="export default {}",
            compatibility_date="2026-04-01",
            settings_json="{}",
            opts=pulumi.ResourceOptions(parent=component),
        )

    exported = queue_fields(select_component(record_declarations(declare), "dev", None))
    assert exported.fields == {} and exported.to_create == ()


def test_wrangler_accepts_the_queues_block(exported: dict[str, Path], wrangler: Path, tmp_path: Path) -> None:
    config = read_jsonc(exported["dev"])
    config.update(queue_fields(select_component(record_queue_component(), "dev", None)).fields)
    with_queues = exported["dev"].with_name("with-queues.jsonc")
    with_queues.write_text(json.dumps(config, indent=2))
    result = dry_run(with_queues, tmp_path, docker=str(DOCKER_STAND_IN))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "env.BENTO_QUEUE (bento-in)" in output and "Queue" in output
