"""The container deployments a planned stack declares: what the cost estimate multiplies.

Read from the offline plan's recording (the same code path as ``bento-cf plan``), so the figures
follow whatever the program declares — stack config or Python args, one component or several.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bento_cf_component.cli.plan_engine import PlannedResource, PlanRecording

_APPLICATION = "bentocf:ContainerApplication"
_WORKER = "bentocf:WorkerScript"


@dataclass(frozen=True)
class ContainerDeployment:
    """One container application: its instance type, ceiling and the instances the Worker uses."""

    name: str
    instance_type: str
    max_instances: int
    instance_count: int
    """Instances the Worker spreads requests over (``instances.count``); ``max_instances`` if unknown."""


def deployments_from_plan(recording: PlanRecording) -> list[ContainerDeployment]:
    resources = recording.resources
    workers = {r.parent_urn: r for r in resources if r.type.endswith(_WORKER)}
    found: list[ContainerDeployment] = []
    for app in sorted((r for r in resources if r.type.endswith(_APPLICATION)), key=lambda r: r.urn):
        instance_type = app.inputs.get("instance_type")
        max_instances = app.inputs.get("max_instances")
        if not isinstance(instance_type, str) or not isinstance(max_instances, int):
            continue  # unknown until deploy: nothing to price
        count = _instance_count(workers.get(app.parent_urn))
        found.append(
            ContainerDeployment(
                name=app.name,
                instance_type=instance_type,
                max_instances=max_instances,
                instance_count=min(count, max_instances) if count else max_instances,
            )
        )
    return found


def _instance_count(worker: PlannedResource | None) -> int | None:
    if worker is None:
        return None
    raw: Any = worker.inputs.get("settings_json")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return None
    count = raw.get("instances", {}).get("count") if isinstance(raw, dict) else None
    return count if isinstance(count, int) and count >= 1 else None
