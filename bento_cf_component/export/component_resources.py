"""Find one ``BentoCloudflare`` component in a recorded plan, and the resources under it."""

from __future__ import annotations

from dataclasses import dataclass

from bento_cf_component.cli.plan_engine import PlannedResource, PlanRecording
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.export import resource_types


@dataclass(frozen=True)
class ComponentResources:
    component: PlannedResource
    resources: tuple[PlannedResource, ...]
    """Every resource below the component (children, grandchildren …), in URN order."""

    @property
    def name(self) -> str:
        return self.component.name

    def all_of(self, type_token: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_token]

    def one_of(self, type_token: str) -> PlannedResource:
        found = self.all_of(type_token)
        if len(found) != 1:
            raise BentoCfConfigError(
                [f"component {self.name}: expected one {type_token} in the plan, found {len(found)}"]
            )
        return found[0]

    def maybe_one_of(self, type_token: str) -> PlannedResource | None:
        found = self.all_of(type_token)
        return found[0] if found else None


def select_component(recording: PlanRecording, stack: str, wanted: str | None) -> ComponentResources:
    """The component named ``wanted``, or the only one; a one-line error otherwise."""
    components = sorted(
        (r for r in recording.resources if r.type == resource_types.COMPONENT), key=lambda r: r.name
    )
    names = ", ".join(c.name for c in components)
    if not components:
        raise BentoCfConfigError([f"stack {stack}: the program declares no BentoCloudflare component"])
    if wanted is None:
        if len(components) > 1:
            raise BentoCfConfigError(
                [f"stack {stack} has several BentoCloudflare components ({names}): pick one with --component"]
            )
        chosen = components[0]
    else:
        matching = [c for c in components if c.name == wanted]
        if not matching:
            raise BentoCfConfigError(
                [f"--component {wanted}: no such component in stack {stack}; have: {names}"]
            )
        chosen = matching[0]
    return ComponentResources(chosen, tuple(_descendants(recording, chosen.urn)))


def _descendants(recording: PlanRecording, urn: str) -> list[PlannedResource]:
    below: list[PlannedResource] = []
    parents = {urn}
    # Parents are registered before their children, but walk until nothing new turns up anyway.
    while True:
        found = [r for r in recording.resources if r.parent_urn in parents and r.urn not in parents]
        if not found:
            return sorted(below, key=lambda r: r.urn)
        below += found
        parents |= {r.urn for r in found}
