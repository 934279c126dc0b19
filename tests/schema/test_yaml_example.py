"""examples/yaml/Pulumi.yaml: parsed and checked against the generated schema.

It cannot run here (no Pulumi CLI); this checks every property name and type it uses exists
in the schema, required inputs are given, and the outputs it reads exist.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest
import yaml
from schema_harness import ROOT, TOKEN, resolve, schema

EXAMPLE = ROOT / "examples" / "yaml" / "Pulumi.yaml"
JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "number": (int, float),
    "array": list,
    "object": dict,
}


def example() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return loaded


def check(spec: dict[str, Any], value: Any, prop: dict[str, Any], path: str, problems: list[str]) -> None:
    if isinstance(value, str) and value.startswith("${"):
        return  # an interpolation: typed by the engine
    target = resolve(spec, prop)
    if target is not None:
        check_object(spec, value, target["properties"], target.get("required", []), path, problems)
        return
    if prop.get("$ref") == "pulumi.json#/Any":
        return
    expected = prop.get("type")
    if expected and not isinstance(value, JSON_TYPES[expected]):
        problems.append(f"{path}: expected {expected}, got {type(value).__name__}")
        return
    if expected == "array":
        for index, item in enumerate(value):
            check(spec, item, prop["items"], f"{path}[{index}]", problems)
    elif expected == "object" and "additionalProperties" in prop:
        for key, item in value.items():
            check(spec, item, prop["additionalProperties"], f"{path}.{key}", problems)


def check_object(
    spec: dict[str, Any],
    value: Any,
    properties: dict[str, Any],
    required: list[str],
    path: str,
    problems: list[str],
) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object")
        return
    for key, item in value.items():
        if key not in properties:
            problems.append(f"{path}.{key}: not in the schema (known: {', '.join(sorted(properties))})")
            continue
        check(spec, item, properties[key], f"{path}.{key}", problems)
    problems.extend(f"{path}.{key}: required" for key in required if key not in value)


def component_properties() -> dict[str, Any]:
    [resource] = [r for r in example()["resources"].values() if r["type"] == TOKEN]
    props: dict[str, Any] = resource["properties"]
    return props


def test_example_uses_the_local_package() -> None:
    project = example()
    assert project["runtime"] == "yaml"
    package_dir = (EXAMPLE.parent / project["packages"]["bento-cf"]).resolve()
    assert package_dir == ROOT.resolve()
    assert (package_dir / "PulumiPlugin.yaml").is_file()


def test_example_properties_match_the_schema() -> None:
    spec = schema()
    resource = spec["resources"][TOKEN]
    problems: list[str] = []
    check_object(
        spec,
        component_properties(),
        resource["inputProperties"],
        resource["requiredInputs"],
        "bento",
        problems,
    )
    assert problems == []


def test_the_checker_catches_snake_case_and_wrong_types() -> None:
    spec = schema()
    resource = spec["resources"][TOKEN]
    bad = dict(component_properties())
    bad["container"] = {"max_instances": 2, "instanceType": 3}
    problems: list[str] = []
    check_object(spec, bad, resource["inputProperties"], resource["requiredInputs"], "bento", problems)
    assert "bento.container.max_instances: not in the schema" in problems[0]
    assert any("instanceType: expected string" in p for p in problems)
    assert any("maxInstances: required" in p for p in problems)


def test_example_outputs_exist() -> None:
    outputs = schema()["resources"][TOKEN]["properties"]
    used = {
        match.group(1)
        for value in example()["outputs"].values()
        for match in re.finditer(r"\$\{bento\.(\w+)\}", value)
    }
    assert used <= set(outputs)
    assert used >= {"url", "urls", "workerName", "imageRef", "applicationId", "namespaceId"}


def test_example_secret_config_is_secret() -> None:
    config = example()["config"]
    assert config["accessToken"]["secret"] is True
    assert component_properties()["access"]["token"] == "${accessToken}"


def test_example_runs_only_with_the_cli() -> None:
    if shutil.which("pulumi") is None:
        pytest.skip("the Pulumi CLI is not installed: `pulumi preview` of examples/yaml cannot run here")
    pytest.skip("a real preview needs Cloudflare credentials and a stack: see docs/other-languages.md")
