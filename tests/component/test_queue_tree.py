"""The queue pattern's resource tree under mocks: queues, consumer settings, bindings, order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bento_cf_component.cli.plan_engine import PlannedResource, PlanRecording, record_declarations
from bento_cf_component.errors import BentoCfConfigError

ACCOUNT = "0123456789abcdef0123456789abcdef"
BENTO = """\
http:
  address: 0.0.0.0:4195
input:
  http_server:
    path: /batch
pipeline:
  processors:
    - mapping: root = this
output:
  stdout: {}
"""
QUEUE = "cloudflare:index/queue:Queue"
CONSUMER = "pulumi-python:dynamic/bentocf:QueueConsumer"
WORKER = "pulumi-python:dynamic/bentocf:WorkerScript"
CRON = "cloudflare:index/workersCronTrigger:WorkersCronTrigger"


def args(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "account_id": ACCOUNT,
        "pattern": "queue",
        "bento": {"config": "bento.yaml"},
        "container": {"max_instances": 2},
        "access": {"token": "tok"},
        "queue": {"max_batch_size": 50, "max_batch_timeout": 2, "max_retries": 5, "retry_delay": 30},
    }
    base.update(overrides)
    return base


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "bento.yaml").write_text(BENTO)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def plan(component_args: dict[str, Any]) -> dict[str, PlannedResource]:
    from bento_cf_component.component import BentoCloudflare

    recording: PlanRecording = record_declarations(
        lambda: BentoCloudflare("events", component_args), project="shop", stack="dev"
    )
    return {r.name: r for r in recording.resources}


def test_queues_consumer_and_binding() -> None:
    resources = plan(args())
    assert resources["events-queue"].type == QUEUE
    assert resources["events-queue"].inputs["queueName"] == "shop-dev-queue"
    assert resources["events-dlq"].inputs["queueName"] == "shop-dev-dlq"

    worker = resources["events-worker"]
    assert {"type": "queue", "name": "BENTO_QUEUE", "queue_name": "shop-dev-queue"} in worker.inputs[
        "extra_bindings"
    ]
    settings = json.loads(worker.inputs["settings_json"])
    assert settings["pattern"] == "queue"
    assert settings["queue"] == {"binding": "BENTO_QUEUE", "ingestPath": "/ingest", "retryDelaySeconds": 30}
    assert settings["inputPath"] == "/batch"

    consumer = resources["events-consumer"]
    assert consumer.type == CONSUMER
    assert consumer.inputs["queue_name"] == "shop-dev-queue"
    assert consumer.inputs["dead_letter_queue"] == "shop-dev-dlq"
    assert consumer.inputs["batch_size"] == 50
    assert consumer.inputs["max_wait_time_ms"] == 2000
    assert consumer.inputs["max_retries"] == 5
    assert consumer.inputs["retry_delay"] == 30
    assert consumer.inputs.get("max_concurrency") is None


def test_order_queues_then_script_then_consumer() -> None:
    resources = plan(args())
    worker, consumer = resources["events-worker"], resources["events-consumer"]
    assert resources["events-queue"].urn in worker.depends_on
    assert resources["events-dlq"].urn in worker.depends_on
    assert worker.urn in consumer.depends_on
    assert CRON not in {r.type for r in resources.values()}


def test_existing_queues_are_referenced_not_created() -> None:
    resources = plan(
        args(
            queue={
                "name": "orders",
                "create": False,
                "dead_letter_queue": "orders-dlq",
                "create_dead_letter_queue": False,
            }
        )
    )
    assert QUEUE not in {r.type for r in resources.values()}
    assert resources["events-consumer"].inputs["queue_name"] == "orders"
    assert resources["events-consumer"].inputs["dead_letter_queue"] == "orders-dlq"


def test_schedule_posts_after_script() -> None:
    resources = plan(args(schedule={"cron": "*/15 * * * *"}))
    cron = resources["events-schedule"]
    assert cron.type == CRON
    assert cron.inputs["schedules"] == [{"cron": "*/15 * * * *"}]
    assert resources["events-worker"].urn in cron.depends_on
    settings = json.loads(resources["events-worker"].inputs["settings_json"])
    assert settings["schedule"] == {"path": "/batch"}


@pytest.mark.parametrize(
    ("queue", "fragment"),
    [
        ({"max_batch_size": 101}, "bento-cf:queue.max_batch_size: input should be less than or equal to 100"),
        (
            {"max_batch_timeout": 61},
            "bento-cf:queue.max_batch_timeout: input should be less than or equal to 60",
        ),
        ({"max_retries": 101}, "bento-cf:queue.max_retries: input should be less than or equal to 100"),
        (
            {"max_concurrency": 0},
            "bento-cf:queue.max_concurrency: input should be greater than or equal to 1",
        ),
        ({"create": False}, "bento-cf:queue.name: queue.create is false"),
    ],
)
def test_limits_refused_at_plan_time(queue: dict[str, Any], fragment: str) -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(queue=queue))
    [line] = caught.value.problems
    assert line.startswith(fragment)


def test_sync_response_refused_for_queue(project: Path) -> None:
    (project / "bento.yaml").write_text(BENTO.replace("stdout: {}", "sync_response: {}"))
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args())
    assert any("sync_response" in line for line in caught.value.problems)


def test_queue_settings_need_the_queue_pattern() -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(pattern="request"))
    [line] = caught.value.problems
    assert line.startswith("bento-cf:queue: queue settings are only used by pattern: queue")
