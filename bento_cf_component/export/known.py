"""Read a value out of a recorded resource's inputs, refusing what only a deploy would know.

A wrangler.jsonc holds literal values, so an input that is secret or "known after deploy" (e.g. an
account id taken from another resource's output) cannot be exported; the error names the input.
"""

from __future__ import annotations

from typing import Any

from bento_cf_component.cli.plan_engine import PlannedResource, Secret, Unknown
from bento_cf_component.errors import BentoCfConfigError


def known(resource: PlannedResource, path: str, *, default: Any = None, required: bool = True) -> Any:
    """The input at ``path`` (dots for nesting); one-line error when unknown, secret or missing."""
    value: Any = resource.inputs
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, Unknown):
        raise BentoCfConfigError(
            [
                f"{resource.name}.{path} is only known after deploy, and a wrangler config needs a "
                "literal value: give it as a plain value in the stack config to export it"
            ]
        )
    if isinstance(value, Secret):
        raise BentoCfConfigError(
            [f"{resource.name}.{path} is secret and cannot be written to a wrangler config"]
        )
    if value is None:
        if required and default is None:
            raise BentoCfConfigError([f"{resource.name}.{path} is missing from the plan"])
        return default
    return value


def known_str(resource: PlannedResource, path: str) -> str:
    value = known(resource, path)
    if not isinstance(value, str):
        raise BentoCfConfigError([f"{resource.name}.{path} should be a string, the plan has {value!r}"])
    return value
