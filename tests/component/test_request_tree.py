"""The request pattern's resource tree under Pulumi's mock engine.

Asserts types, names, parents, key inputs, ordering edges and that secrets stay secret.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bento_cf_component.cli.plan_engine import (
    SECRET,
    UNKNOWN_VALUE,
    PlannedResource,
    PlanRecording,
    record_declarations,
)
from bento_cf_component.errors import BentoCfConfigError

ACCOUNT = "0123456789abcdef0123456789abcdef"
ZONE = "fedcba9876543210fedcba9876543210"
TOKEN = "tok-4f1d2c9e8b7a"
API_KEY = "key-77aa88bb99cc"
BENTO = """\
http:
  address: 0.0.0.0:4195
input:
  http_server:
    path: /post
pipeline:
  processors:
    - mapping: |
        root = this
        root.processed = true
output:
  sync_response: {}
logger:
  level: ${LOG_LEVEL:INFO}
  format: json
  static_fields:
    key_id: ${API_KEY}
"""

COMPONENT = "bento-cf:index:BentoCloudflare"
WORKER = "pulumi-python:dynamic/bentocf:WorkerScript"
APPLICATION = "pulumi-python:dynamic/bentocf:ContainerApplication"
CREDENTIALS = "pulumi-python:dynamic/bentocf:RegistryCredentials"
IMAGE = "docker:index/image:Image"


def args(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "account_id": ACCOUNT,
        "bento": {"config": "bento.yaml"},
        "container": {"max_instances": 3, "env": {"LOG_LEVEL": "debug"}, "secrets": {"API_KEY": API_KEY}},
        "instances": {"count": 2},
        "access": {"token": TOKEN},
        "routing": {
            "workers_dev": True,
            "custom_domains": [{"hostname": "bento.example.com", "zone_name": "example.com"}],
            "routes": [{"pattern": "example.com/ingest*", "zone_id": ZONE}],
        },
    }
    base.update(overrides)
    return base


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "bento.yaml").write_text(BENTO)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def plan(component_args: dict[str, Any]) -> PlanRecording:
    from bento_cf_component.component import BentoCloudflare

    return record_declarations(lambda: BentoCloudflare("bento", component_args), project="shop", stack="dev")


def by_name(recording: PlanRecording) -> dict[str, PlannedResource]:
    return {r.name: r for r in recording.resources}


def test_tree_types_names_and_parents(project: Path) -> None:
    resources = by_name(plan(args()))
    component = resources["bento"]
    assert component.type == COMPONENT and not component.custom
    expected = {
        "bento-registry-credentials": CREDENTIALS,
        "bento-image": IMAGE,
        "bento-worker": WORKER,
        "bento-container": APPLICATION,
        "bento-workers-dev": "cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain",
        "bento-domain-bento-example-com": "cloudflare:index/workersCustomDomain:WorkersCustomDomain",
        "bento-route-example-com-ingest": "cloudflare:index/workersRoute:WorkersRoute",
    }
    assert {name: r.type for name, r in resources.items() if name != "bento"} == expected
    for name in expected:
        assert resources[name].parent_urn == component.urn, name
        assert name.startswith("bento-")


def test_image_is_amd64_with_hash_tag_and_stable_context(project: Path) -> None:
    image = by_name(plan(args()))["bento-image"]
    build = image.inputs["build"]
    assert build["platform"] == "linux/amd64"
    assert build["context"] == ".bento-cf/dev/bento/image"
    name = image.inputs["imageName"]
    assert name.startswith(f"registry.cloudflare.com/{ACCOUNT}/shop-dev:")
    dockerfile = (project / ".bento-cf/dev/bento/image/Dockerfile").read_text()
    assert "FROM --platform=linux/amd64 ghcr.io/warpstreamlabs/bento:1.20.0" in dockerfile
    assert (project / ".bento-cf/dev/bento/image/bento.yaml").read_text() == BENTO
    assert (
        image.inputs["registry"]["password"] is SECRET
        or image.inputs["registry"]["password"] is UNKNOWN_VALUE
    )


def test_worker_script_inputs(project: Path) -> None:
    worker = by_name(plan(args()))["bento-worker"]
    inputs = worker.inputs
    assert inputs["script_name"] == "shop-dev"
    assert inputs["container_class"] == "BentoContainer"
    assert inputs["durable_object_binding"] == "BENTO_CONTAINER"
    assert inputs["settings_binding"] == "BENTO_CF_SETTINGS"
    assert inputs["secret_bindings"] is SECRET
    settings = json.loads(inputs["settings_json"])
    assert settings["port"] == 4195
    assert settings["inputPath"] == "/post"
    assert settings["responseMode"] == "sync"
    assert settings["instances"] == {"count": 2, "stickyHeader": None}
    assert settings["access"] == {"mode": "bearer"}
    assert settings["envVars"] == {"LOG_LEVEL": "debug"}
    assert settings["secretEnvNames"] == ["API_KEY"]
    assert "export" in inputs["module_content"] and "BentoContainer" in inputs["module_content"]


def test_application_waits_for_namespace_and_digest(project: Path) -> None:
    resources = by_name(plan(args()))
    app = resources["bento-container"]
    assert app.inputs["name"] == "shop-dev-bentocontainer"
    assert app.inputs["instance_type"] == "lite"
    assert app.inputs["max_instances"] == 3
    # Only Cloudflare knows these: the plan must not invent them.
    assert app.inputs["namespace_id"] is UNKNOWN_VALUE
    assert app.inputs["image"] is UNKNOWN_VALUE
    assert resources["bento-worker"].urn in app.depends_on
    assert resources["bento-image"].urn in app.depends_on


def test_routes_wait_for_the_script(project: Path) -> None:
    resources = by_name(plan(args()))
    worker_urn = resources["bento-worker"].urn
    for name in ("bento-workers-dev", "bento-domain-bento-example-com", "bento-route-example-com-ingest"):
        assert worker_urn in resources[name].depends_on, name
    assert resources["bento-domain-bento-example-com"].inputs["hostname"] == "bento.example.com"
    assert resources["bento-route-example-com-ingest"].inputs["pattern"] == "example.com/ingest*"


def test_prebuilt_image_skips_build(project: Path) -> None:
    ref = "registry.cloudflare.com/" + ACCOUNT + "/bento@sha256:" + "c" * 64
    resources = by_name(plan(args(image={"ref": ref})))
    assert "bento-image" not in resources and "bento-registry-credentials" not in resources
    assert resources["bento-container"].inputs["image"] == ref


def test_secrets_never_in_plain_inputs(project: Path) -> None:
    recording = plan(args())
    dumped = repr([r.inputs for r in recording.resources])
    assert TOKEN not in dumped and API_KEY not in dumped


def test_rerun_declares_identical_inputs(project: Path) -> None:
    first = sorted((r.type, r.name, repr(r.inputs)) for r in plan(args()).resources)
    second = sorted((r.type, r.name, repr(r.inputs)) for r in plan(args()).resources)
    assert first == second


def test_config_change_changes_only_the_tag(project: Path) -> None:
    before = by_name(plan(args()))["bento-image"].inputs["imageName"]
    (project / "bento.yaml").write_text(BENTO.replace("processed = true", "processed = false"))
    after = by_name(plan(args()))["bento-image"].inputs["imageName"]
    assert before != after and before.rsplit(":", 1)[0] == after.rsplit(":", 1)[0]


def test_bad_input_declares_nothing(project: Path) -> None:
    from bento_cf_component.component import BentoCloudflare

    def declare() -> None:
        with pytest.raises(BentoCfConfigError):
            BentoCloudflare("bento", args(container={"max_instances": 0}))

    assert record_declarations(declare).resources == []


def test_undeclared_env_var_in_bento_config(project: Path) -> None:
    component_args = args()
    component_args["container"] = {"max_instances": 3}
    with pytest.raises(BentoCfConfigError) as caught:
        plan(component_args)
    assert any("API_KEY" in line for line in caught.value.problems)


def test_nested_braces_in_the_input_path_refused(project: Path) -> None:
    (project / "bento.yaml").write_text(BENTO.replace("path: /post", "path: /items/{id:[0-9]{3}}"))
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args())
    [line] = caught.value.problems
    assert "input.http_server.path" in line and "braces inside a path parameter" in line


def test_python_args_errors_point_at_the_program(project: Path) -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(container={"max_instances": 0}))
    [line] = caught.value.problems
    assert line.endswith("— set it in the BentoCloudflare arguments of your program")
    assert "pulumi config set" not in line
