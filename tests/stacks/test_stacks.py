"""Every stack in stacks/ plans cleanly offline, and the three differ the way environments do."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bento_cf_component.cli.commands.plan import plan_stack
from bento_cf_component.cli.plan_render import render_json

REPO = Path(__file__).resolve().parents[2]
STACK_FILES = sorted((REPO / "stacks").glob("Pulumi.*.yaml"))
STACKS = [path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in STACK_FILES]

Plan = dict[str, Any]


def plan_document(stack: str) -> Plan:
    planned = plan_stack(argparse.Namespace(stack=stack, cwd=str(REPO), config=None))
    document: Plan = json.loads(
        render_json(planned.recording, project=planned.project, stack=stack, artifacts=planned.artifacts)
    )
    return document


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {stack: plan_document(stack) for stack in STACKS}


def resources(plan: Plan, type_suffix: str) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if r["type"].endswith(type_suffix)]


def inputs(plan: Plan, type_suffix: str) -> dict[str, Any]:
    (found,) = resources(plan, type_suffix)
    result: dict[str, Any] = found["inputs"]
    return result


def settings(plan: Plan) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(inputs(plan, ":WorkerScript")["settings_json"])
    return result


def application(plan: Plan) -> dict[str, Any]:
    return inputs(plan, ":ContainerApplication")


def test_the_three_environments_are_there() -> None:
    assert {"dev", "staging", "prod"} <= set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_plans_cleanly(stack: str, plans: dict[str, Plan]) -> None:
    plan = plans[stack]
    assert plan["stack"] == stack
    assert plan["warnings"] == []
    for part in (":WorkerScript", ":ContainerApplication", "image:Image", ":WorkersScriptSubdomain"):
        assert resources(plan, part), f"{stack}: no {part}"
    assert plan["outputs"]["worker_name"] == f"bento-cf-{stack}"
    assert application(plan)["name"] == f"bento-cf-{stack}-bentocontainer"


def test_prod_is_bigger_and_served_on_its_own_domain(plans: dict[str, Plan]) -> None:
    prod = plans["prod"]
    assert application(prod)["instance_type"] == "standard-1"
    assert inputs(prod, ":WorkersScriptSubdomain")["enabled"] is False
    domain = inputs(prod, ":WorkersCustomDomain")
    assert domain["hostname"] == "bento.example.com"
    assert domain.get("zoneId") or domain.get("zoneName")
    route = inputs(prod, ":WorkersRoute")
    assert route["pattern"].startswith("api.example.com/") and route["zoneId"]
    assert prod["outputs"]["url"] == "https://bento.example.com"
    assert settings(prod)["instances"]["stickyHeader"] == "x-tenant-id"
    assert settings(prod)["secretEnvNames"] == ["SINK_API_KEY"]


def test_dev_is_small_and_on_workers_dev(plans: dict[str, Plan]) -> None:
    dev = plans["dev"]
    assert application(dev)["instance_type"] == "lite"
    assert inputs(dev, ":WorkersScriptSubdomain")["enabled"] is True
    assert not resources(dev, ":WorkersCustomDomain") and not resources(dev, ":WorkersRoute")
    assert dev["outputs"]["url"] == "(known after deploy)"  # the workers.dev address comes from the account


def test_staging_sits_between(plans: dict[str, Plan]) -> None:
    staging = plans["staging"]
    assert application(staging)["instance_type"] == "basic"
    assert inputs(staging, ":WorkersCustomDomain")["hostname"] == "bento.staging.example.com"
    assert inputs(staging, ":WorkersScriptSubdomain")["enabled"] is True  # kept for smoke tests


def test_scale_grows_from_dev_to_prod(plans: dict[str, Plan]) -> None:
    order = ["dev", "staging", "prod"]
    ceilings = [application(plans[s])["max_instances"] for s in order]
    counts = [settings(plans[s])["instances"]["count"] for s in order]
    assert ceilings == sorted(ceilings) and len(set(ceilings)) == 3, ceilings
    assert counts == sorted(counts) and len(set(counts)) == 3, counts
    for stack in order:
        assert settings(plans[stack])["instances"]["count"] <= application(plans[stack])["max_instances"]


def test_idle_time_and_log_level_differ(plans: dict[str, Plan]) -> None:
    order = ["dev", "staging", "prod"]
    assert [settings(plans[s])["sleepAfter"] for s in order] == ["5m", "10m", "30m"]
    assert [settings(plans[s])["envVars"]["LOG_LEVEL"] for s in order] == ["DEBUG", "INFO", "WARN"]


@pytest.mark.parametrize("path", STACK_FILES, ids=STACKS)
def test_secrets_are_documented_placeholders_and_stay_masked(path: Path, plans: dict[str, Plan]) -> None:
    text = path.read_text()
    config = yaml.safe_load(text)["config"]
    token = config["bento-cf:access_token"]
    assert set(token) == {"secure"} and "placeholder" in token["secure"]
    assert "pulumi config set --secret" in text  # the comment tells how to set a real one
    plan = plans[path.name.removeprefix("Pulumi.").removesuffix(".yaml")]
    assert inputs(plan, ":WorkerScript")["secret_bindings"] == "[secret]"
    assert token["secure"] not in json.dumps(plan)
