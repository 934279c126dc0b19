"""The schema other languages see: Pulumi's analyzer run in-process over the plugin's component.

Checks the resource token, every input (camelCased) with its type, what is required, that
secret-bearing inputs accept Outputs (so secrets flow through), and the outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from schema_harness import ROOT, TOKEN, plugin_main, provider, schema

from bento_cf_component import BentoCloudflareArgs
from bento_cf_component.cli.plan_engine import SECRET, record_declarations
from bento_cf_component.settings import validate_settings


def component() -> dict[str, Any]:
    resource: dict[str, Any] = schema()["resources"][TOKEN]
    return resource


def type_of(name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema()["types"][f"bento-cf:index:{name}"]
    return found


def test_plugin_manifest_points_at_the_entry_point() -> None:
    manifest = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    entry = ROOT / manifest["main"] / "__main__.py"
    assert entry.is_file()
    assert "component_provider_host(" in entry.read_text()
    # The root __main__.py is the stack program: it must not be the plugin's entry point.
    assert (ROOT / manifest["main"]).resolve() != ROOT


def test_package_and_resource_token() -> None:
    spec = schema()
    assert spec["name"] == "bento-cf"
    assert spec["version"] == plugin_main().package_version() != "0.0.0"
    assert list(spec["resources"]) == [TOKEN]
    assert component()["isComponent"] is True
    from bento_cf_component.component import TYPE_TOKEN

    assert TYPE_TOKEN == TOKEN  # what the component registers from Python


def test_top_level_inputs() -> None:
    inputs = component()["inputProperties"]
    # At least these (other patterns add their own sections, e.g. queue, tenant).
    assert set(inputs) >= {
        "accountId",
        "pattern",
        "workerName",
        "bento",
        "image",
        "container",
        "instances",
        "routing",
        "access",
    }
    assert inputs["accountId"]["type"] == "string" and "plain" not in inputs["accountId"]  # an Input
    assert inputs["pattern"] == {**inputs["pattern"], "type": "string", "plain": True}
    assert inputs["workerName"]["type"] == "string"
    for name, type_name in {
        "bento": "BentoArgs",
        "image": "ImageArgs",
        "container": "ContainerArgs",
        "instances": "InstancesArgs",
        "routing": "RoutingArgs",
        "access": "AccessArgs",
    }.items():
        assert inputs[name]["$ref"] == f"#/types/bento-cf:index:{type_name}", name
    assert sorted(component()["requiredInputs"]) == ["accountId", "bento", "container"]


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [
        ("BentoArgs", {"config": "string", "inline": "object"}),
        ("ImageArgs", {"bentoVersion": "string", "base": "string", "ref": "string"}),
        (
            "ContainerArgs",
            {
                "instanceType": "string",
                "maxInstances": "integer",
                "sleepAfter": "string",
                "env": "object",
                "secrets": "object",
            },
        ),
        ("InstancesArgs", {"count": "integer", "stickyHeader": "string"}),
        ("RoutingArgs", {"workersDev": "boolean", "customDomains": "array", "routes": "array"}),
        ("CustomDomainArgs", {"hostname": "string", "zoneId": "string", "zoneName": "string"}),
        ("RouteArgs", {"pattern": "string", "zoneId": "string"}),
        ("AccessArgs", {"public": "boolean", "token": "string"}),
    ],
)
def test_nested_input_types(type_name: str, expected: dict[str, str]) -> None:
    properties = type_of(type_name)["properties"]
    found = {name: prop["type"] for name, prop in properties.items() if name in expected}
    assert found == expected
    assert all(name == name[0].lower() + name[1:] and "_" not in name for name in properties)


@pytest.mark.parametrize(
    ("type_name", "required"),
    [
        ("ContainerArgs", ["maxInstances"]),
        ("CustomDomainArgs", ["hostname"]),
        ("RouteArgs", ["pattern", "zoneId"]),
        ("BentoArgs", None),
        ("AccessArgs", None),
    ],
)
def test_required_nested_inputs(type_name: str, required: list[str] | None) -> None:
    found = type_of(type_name).get("required")
    assert (sorted(found) if found else None) == required


def test_lists_and_maps_are_typed() -> None:
    routing = type_of("RoutingArgs")["properties"]
    assert routing["customDomains"]["items"]["$ref"] == "#/types/bento-cf:index:CustomDomainArgs"
    assert routing["routes"]["items"]["$ref"] == "#/types/bento-cf:index:RouteArgs"
    container = type_of("ContainerArgs")["properties"]
    assert container["env"]["additionalProperties"]["type"] == "string"
    assert type_of("BentoArgs")["properties"]["inline"]["additionalProperties"]["$ref"] == "pulumi.json#/Any"


def test_secret_bearing_inputs_accept_outputs() -> None:
    # The schema language has no "secret input" flag from the Python analyzer; what matters is
    # that these take Outputs (so a secret Output stays secret) — the component then wraps them
    # in Output.secret (checked below through the multi-language input mapping).
    token = type_of("AccessArgs")["properties"]["token"]
    assert "plain" not in token and "secret" in token["description"].lower()
    secrets = type_of("ContainerArgs")["properties"]["secrets"]["additionalProperties"]
    assert "plain" not in secrets
    assert "plain" not in component()["inputProperties"]["accountId"]


OUTPUTS = {"url", "urls", "workerName", "imageRef", "applicationId", "namespaceId"}


def test_outputs() -> None:
    outputs = component()["properties"]
    assert {name: prop["type"] for name, prop in outputs.items() if name in OUTPUTS} == {
        "url": "string",
        "urls": "array",
        "workerName": "string",
        "imageRef": "string",
        "applicationId": "string",
        "namespaceId": "string",
    }
    assert outputs["urls"]["items"]["type"] == "string"
    assert set(component()["required"]) >= OUTPUTS
    assert all("_" not in name for name in outputs)


YAML_STYLE_INPUTS: dict[str, Any] = {
    "accountId": "0123456789abcdef0123456789abcdef",
    "bento": {
        "inline": {
            "http": {"address": "0.0.0.0:4195"},
            "input": {"http_server": {"path": "/post"}},
            "output": {"sync_response": {}},
        }
    },
    "container": {"maxInstances": 2, "instanceType": "lite", "secrets": {"API_KEY": "k-1"}},
    "routing": {
        "workersDev": True,
        "customDomains": [{"hostname": "bento.example.com", "zoneName": "example.com"}],
    },
    "access": {"token": "tok-4f1d2c9e8b7a"},
}


def mapped_args() -> dict[str, Any]:
    """What the component constructor receives when called from YAML/TypeScript."""
    host = provider()
    definition = host._component_defs["BentoCloudflare"]
    mapped: dict[str, Any] = dict(host.map_inputs(YAML_STYLE_INPUTS, definition))
    return mapped


def test_camel_case_inputs_map_back_to_the_python_keys() -> None:
    args = mapped_args()
    assert args["account_id"] == YAML_STYLE_INPUTS["accountId"]
    assert args["container"] == {"max_instances": 2, "instance_type": "lite", "secrets": {"API_KEY": "k-1"}}
    assert args["routing"]["workers_dev"] is True
    domains = args["routing"]["custom_domains"]
    assert domains == [{"hostname": "bento.example.com", "zone_name": "example.com"}]
    # Free-form maps keep their keys: Bento's own config is not camel-cased.
    assert args["bento"]["inline"]["input"] == {"http_server": {"path": "/post"}}
    settings = validate_settings(cast(BentoCloudflareArgs, args), project="p", stack="dev")
    assert settings.container.max_instances == 2


def test_missing_required_input_is_refused_by_the_host() -> None:
    host = provider()
    inputs = {k: v for k, v in YAML_STYLE_INPUTS.items() if k != "container"}
    with pytest.raises(Exception, match="container"):
        host.map_inputs(inputs, host._component_defs["BentoCloudflare"])


def test_component_runs_from_mapped_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    from bento_cf_component.component import BentoCloudflare

    args = cast(BentoCloudflareArgs, mapped_args())
    recording = record_declarations(lambda: BentoCloudflare("bento", args), project="p", stack="dev")
    worker = next(r for r in recording.resources if r.type.endswith(":WorkerScript"))
    assert worker.inputs["secret_bindings"] is SECRET  # plain strings from YAML still end up secret
    domain = next(r for r in recording.resources if r.type.endswith(":WorkersCustomDomain"))
    assert domain.inputs["hostname"] == "bento.example.com"
