"""The pack against what the component really declares.

The component runs under Pulumi's mock engine (as ``bento-cf plan`` does); every resource it
registers is sent to the pack as the engine would send it (wire properties with secret and
unknown markers, ``additionalSecretOutputs``). A compliant program gets no violations, and the
property names the policies read are the ones the component produces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest
from google.protobuf import json_format
from policy_harness import ADVISORY, Diagnostic, analyze, resources

from bento_cf_component import BentoCloudflareArgs
from bento_cf_component.cli import plan_engine
from bento_cf_component.worker import ACCESS_TOKEN_BINDING

ACCOUNT = "0123456789abcdef0123456789abcdef"
BENTO = """\
http:
  address: 0.0.0.0:4195
input:
  http_server:
    path: /post
output:
  sync_response: {}
"""


class Registered:
    def __init__(self, resource_type: str, name: str, wire: dict[str, Any], secret_outputs: list[str]):
        self.type = resource_type
        self.name = name
        self.wire = wire
        self.secret_outputs = secret_outputs


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Registered]:
    (tmp_path / "bento.yaml").write_text(BENTO)
    monkeypatch.chdir(tmp_path)
    seen: list[Registered] = []
    original = plan_engine._RecordingMonitor.RegisterResource

    def record(self: Any, request: Any) -> Any:
        wire = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
        wire.pop("__provider", None)  # the engine skips internal keys for analyzers
        seen.append(Registered(request.type, request.name, wire, list(request.additionalSecretOutputs)))
        return original(self, request)

    monkeypatch.setattr(plan_engine._RecordingMonitor, "RegisterResource", record)
    return seen


def declare(component_args: dict[str, Any]) -> None:
    from bento_cf_component.component import BentoCloudflare

    BentoCloudflare("bento", cast(BentoCloudflareArgs, component_args))


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "account_id": ACCOUNT,
        "bento": {"config": "bento.yaml"},
        "container": {"max_instances": 3, "secrets": {"API_KEY": "k-1"}},
        "access": {"token": "tok-4f1d2c9e8b7a"},
        "routing": {
            "workers_dev": True,
            "custom_domains": [{"hostname": "bento.example.com", "zone_name": "example.com"}],
        },
    }
    args.update(overrides)
    return args


def pack_report(seen: list[Registered]) -> dict[str, list[Diagnostic]]:
    return {r.name: analyze(r.type, r.wire, additional_secret_outputs=r.secret_outputs) for r in seen}


def test_policies_read_the_names_the_component_produces(registered: list[Registered]) -> None:
    plan_engine.record_declarations(lambda: declare(base_args()), project="shop", stack="dev")
    by_type = {r.type: r for r in registered}
    worker = by_type[resources.WORKER_SCRIPT]
    assert {resources.SETTINGS_JSON, resources.SECRET_BINDINGS} <= set(worker.wire)
    assert "inputPath" in json.loads(worker.wire[resources.SETTINGS_JSON])
    assert "access" in json.loads(worker.wire[resources.SETTINGS_JSON])
    application = by_type[resources.CONTAINER_APPLICATION]
    assert {resources.IMAGE, resources.MAX_INSTANCES} <= set(application.wire)
    assert resources.REGISTRY_CREDENTIALS in by_type
    assert resources.HOSTNAME in by_type[resources.CUSTOM_DOMAIN].wire
    assert resources.ACCESS_TOKEN_BINDING == ACCESS_TOKEN_BINDING


def test_component_passes_the_pack_in_preview(registered: list[Registered]) -> None:
    plan_engine.record_declarations(lambda: declare(base_args()), project="shop", stack="dev")
    report = pack_report(registered)
    problems = [(name, d) for name, found in report.items() for d in found if d.enforcement != ADVISORY]
    assert problems == []
    # The image digest is only known at deploy: the SDK says so instead of guessing.
    assert [d.policy for d in report["bento-container"]] == ["image-pinned-by-digest"]


def test_prebuilt_digest_image_passes_fully(registered: list[Registered]) -> None:
    ref = "docker.io/acme/bento@sha256:" + "cd" * 32
    plan_engine.record_declarations(
        lambda: declare(base_args(image={"ref": ref})), project="shop", stack="dev"
    )
    report = pack_report(registered)
    assert report["bento-container"] == []
    assert all(d == [] for d in report.values()), report


def test_public_access_passes_without_token(registered: list[Registered]) -> None:
    args = base_args(access={"public": True})
    plan_engine.record_declarations(lambda: declare(args), project="shop", stack="dev")
    report = pack_report(registered)
    assert report["bento-worker"] == []


def test_a_worker_without_its_token_would_be_caught(registered: list[Registered]) -> None:
    plan_engine.record_declarations(lambda: declare(base_args()), project="shop", stack="dev")
    worker = next(r for r in registered if r.type == resources.WORKER_SCRIPT)
    bindings = worker.wire[resources.SECRET_BINDINGS]
    bindings["value"].pop(ACCESS_TOKEN_BINDING)  # as if the component forgot the token
    found = analyze(worker.type, worker.wire, additional_secret_outputs=worker.secret_outputs)
    assert [d.policy for d in found] == ["access-token-required"]
