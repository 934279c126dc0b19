"""Show a recorded plan as a tree for people or as JSON for machines."""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any

from bento_cf_component.cli.plan_engine import PlannedResource, PlanRecording, Secret, Unknown

# Long strings (the Worker bundle) are summarised; the full text is in the artifacts folder.
_MAX_SHOWN = 400


def short_type(token: str) -> str:
    """``pulumi-python:dynamic/bentocf:WorkerScript`` → ``bentocf:WorkerScript``."""
    return token.removeprefix("pulumi-python:dynamic/")


def to_jsonable(value: Any) -> Any:
    if isinstance(value, (Secret, Unknown)):
        return repr(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, str) and len(value) > _MAX_SHOWN:
        digest = hashlib.sha256(value.encode()).hexdigest()[:12]
        return f"<{len(value):,} bytes, sha256 {digest}…>"
    return value


def _parent_key(resource: PlannedResource, by_urn: dict[str, PlannedResource]) -> str | None:
    return resource.parent_urn if resource.parent_urn in by_urn else None


def render_json(recording: PlanRecording, *, project: str, stack: str, artifacts: list[str]) -> str:
    by_urn = {r.urn: r for r in recording.resources}
    document = {
        "project": project,
        "stack": stack,
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "parent": by_urn[r.parent_urn].name if _parent_key(r, by_urn) else None,
                "custom": r.custom,
                "inputs": to_jsonable(r.inputs),
            }
            for r in sorted(recording.resources, key=lambda r: r.urn)
        ],
        "outputs": to_jsonable(recording.outputs),
        "warnings": recording.warnings,
        "artifacts": artifacts,
    }
    return json.dumps(document, indent=2, sort_keys=False)


def render_text(recording: PlanRecording, *, project: str, stack: str, artifacts: list[str]) -> str:
    by_urn = {r.urn: r for r in recording.resources}
    children: dict[str | None, list[PlannedResource]] = {}
    # Registration order depends on async timing; sort so the same program prints the same plan.
    for resource in sorted(recording.resources, key=lambda r: (r.name, r.type)):
        children.setdefault(_parent_key(resource, by_urn), []).append(resource)

    lines = [f"bento-cf plan · project {project} · stack {stack} · {len(recording.resources)} resources", ""]

    def walk(parent: str | None, indent: str) -> None:
        siblings = children.get(parent, [])
        for index, resource in enumerate(siblings):
            last = index == len(siblings) - 1
            branch = "" if parent is None else ("└─ " if last else "├─ ")
            lines.append(f"{indent}{branch}{short_type(resource.type)}  {resource.name}")
            detail_indent = indent + ("" if parent is None else ("   " if last else "│  "))
            bar = "│  " if children.get(resource.urn) else "   "
            for key, value in _flatten(resource.inputs):
                lines.append(f"{detail_indent}{bar}  {key}: {value}")
            walk(resource.urn, detail_indent)

    walk(None, "")
    if recording.outputs:
        lines += ["", "Outputs:"]
        lines += [f"  {key}: {value}" for key, value in _flatten(recording.outputs)]
    for warning in recording.warnings:
        lines.append(f"warning: {warning}")
    if artifacts:
        lines += ["", "Rendered artifacts:"] + [f"  {path}" for path in artifacts]
    lines += [
        "",
        "Nothing was deployed. Values marked (known after deploy) come from Cloudflare at `pulumi up`.",
    ]
    return "\n".join(lines)


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str) and value.startswith("{"):
        # A JSON document passed as a string (the Worker settings binding): show its fields.
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, dict) and not value and not prefix:
        return []
    if isinstance(value, dict) and value:
        rows: list[tuple[str, str]] = []
        for key in sorted(value):
            rows += _flatten(value[key], f"{prefix}.{key}" if prefix else key)
        return rows
    shown = to_jsonable(value)
    text = (
        shown
        if isinstance(shown, str) and shown.startswith(("<", "[secret]", "(known"))
        else json.dumps(shown)
    )
    return [(prefix, text)]
