"""The queue and per-tenant patterns exported: queues, consumer, cron, admin token; wrangler accepts them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pulumi
import pytest

from bento_cf_component.cli.main import main
from bento_cf_component.cli.plan_engine import PlanRecording, record_declarations
from bento_cf_component.cloudflare.worker_script import WorkerScript
from bento_cf_component.export import select_component
from bento_cf_component.export.queues import cron_fields, queue_fields
from bento_cf_component.export.resource_types import COMPONENT

from .conftest import REPO
from .wrangler_cli import DOCKER_STAND_IN, dry_run, read_jsonc

ACCOUNT = "0123456789abcdef0123456789abcdef"
BENTO = (REPO / "examples" / "queue-batch" / "bento.yaml").read_text()


def record_queue_pattern(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **queue: Any) -> PlanRecording:
    from bento_cf_component.component import BentoCloudflare

    (tmp_path / "bento.yaml").write_text(BENTO)
    monkeypatch.chdir(tmp_path)
    args: dict[str, Any] = {
        "account_id": ACCOUNT,
        "pattern": "queue",
        "bento": {"config": "bento.yaml"},
        "container": {"max_instances": 2},
        "access": {"token": "tok"},
        "queue": {"max_batch_size": 50, "max_batch_timeout": 5, "max_retries": 3, "retry_delay": 10, **queue},
        "schedule": {"cron": "*/15 * * * *"},
    }
    recording = record_declarations(lambda: BentoCloudflare("events", args), project="shop", stack="dev")
    assert recording.errors == []
    return recording


def test_the_queue_pattern_maps_to_wranglers_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = select_component(record_queue_pattern(tmp_path, monkeypatch), "dev", None)
    exported = queue_fields(parts)
    assert exported.fields == {
        "queues": {
            "producers": [{"binding": "BENTO_QUEUE", "queue": "shop-dev-queue"}],
            "consumers": [
                {
                    "queue": "shop-dev-queue",
                    "max_batch_size": 50,
                    "max_batch_timeout": 5,  # wrangler counts seconds, the consumer milliseconds
                    "max_retries": 3,
                    "retry_delay": 10,
                    "dead_letter_queue": "shop-dev-dlq",
                }
            ],
        }
    }
    assert exported.to_create == ("shop-dev-dlq", "shop-dev-queue")
    assert cron_fields(parts) == {"triggers": {"crons": ["*/15 * * * *"]}}


def test_max_concurrency_is_exported_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = select_component(record_queue_pattern(tmp_path, monkeypatch, max_concurrency=4), "dev", None)
    [consumer] = queue_fields(parts).fields["queues"]["consumers"]
    assert consumer["max_concurrency"] == 4


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

    parts = select_component(record_declarations(declare), "dev", None)
    exported = queue_fields(parts)
    assert exported.fields == {} and exported.to_create == ()
    assert cron_fields(parts) == {}


@pytest.mark.parametrize("example", ["queue-batch", "per-tenant"])
def test_wrangler_accepts_the_pattern_examples(
    example: str, wrangler: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / example
    shutil.copytree(REPO / "examples" / example, project, ignore=shutil.ignore_patterns(".bento-cf"))
    out = tmp_path / "wrangler.jsonc"
    assert main(["export", "wrangler", "--stack", "dev", "--cwd", str(project), "--out", str(out)]) == 0
    capsys.readouterr()
    config = read_jsonc(out)
    if example == "queue-batch":
        consumers = config["queues"]["consumers"]  # type: ignore[index]
        assert consumers[0]["queue"] == "shop-events" and consumers[0]["max_batch_size"] == 50
    else:
        assert "BENTO_CF_ADMIN_TOKEN" in config["secrets"]["required"]  # type: ignore[index]

    result = dry_run(out, tmp_path, docker=str(DOCKER_STAND_IN))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "env.BENTO_CONTAINER (BentoContainer)" in output
    if example == "queue-batch":
        assert "env.BENTO_QUEUE (shop-events)" in output
