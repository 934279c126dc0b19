"""Compare two offline plans of a stack: what ``pulumi up`` would change, with no credentials.

Both sides are ``bento-cf plan --json`` documents (the old one from a previous revision, e.g. the
base branch of a pull request; the new one planned now), so a pull request from a fork, which
gets no secrets, can still show its effect. Each resource change is classified the way its
provider would classify it (the replace keys come from bento-cf's own providers, and for
pulumi-cloudflare from the Terraform schema it bridges), and the changes that reach running
containers are flagged: a new image, a rollout, an application edit, a replacement.

What an offline plan cannot know is said, not guessed: secret values compare as ``[secret]``
("may change"), and values Cloudflare computes stay "known after deploy". Two of those unknowns
are implied by a sibling's change and are shown as such: the application's image digest when the
image is rebuilt, and the namespace id when the Worker is replaced.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bento_cf_component.cloudflare import container_application, registry_credentials, worker_script

SECRET_TEXT = "[secret]"
UNKNOWN_TEXT = "(known after deploy)"

DOCKER_IMAGE = "docker:index/image:Image"
WORKER_SCRIPT = "pulumi-python:dynamic/bentocf:WorkerScript"
CONTAINER_APPLICATION = "pulumi-python:dynamic/bentocf:ContainerApplication"
REGISTRY_CREDENTIALS = "pulumi-python:dynamic/bentocf:RegistryCredentials"
CUSTOM_DOMAIN = "cloudflare:index/workersCustomDomain:WorkersCustomDomain"
ROUTE = "cloudflare:index/workersRoute:WorkersRoute"
WORKERS_DEV = "cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain"

# pulumi-cloudflare bridges terraform-provider-cloudflare: these are the attributes its schema marks
# RequiresReplace (internal/services/<resource>/schema.go, v5.22), in Pulumi's spelling.
_CLOUDFLARE_REPLACE_KEYS: dict[str, tuple[str, ...]] = {
    CUSTOM_DOMAIN: ("accountId", "hostname", "service", "zoneId", "zoneName"),
    ROUTE: ("zoneId",),
    WORKERS_DEV: ("accountId", "scriptName"),
}
# pulumi-docker diffs registry credentials out ("they can change frequently and should not
# trigger a rebuild"); so do we.
_DOCKER_IGNORED = ("registry.username", "registry.password")

# ContainerApplicationProvider.update → converge(): max_instances is edited in place; every other
# effective input is instance configuration and starts a rollout.
_EDITED_IN_PLACE = ("max_instances",)
_ROLLOUT_KEYS = tuple(k for k in container_application.EFFECTIVE_KEYS if k not in _EDITED_IN_PLACE)
# Settings the Worker hands a container when it starts it: running containers keep the old ones.
_CONTAINER_START_SETTINGS = ("settings_json.envVars", "settings_json.sleepAfter")


class Action(StrEnum):
    CREATE = "create"
    DELETE = "delete"
    UPDATE = "update"
    REPLACE = "replace"


ACTION_SYMBOLS = {Action.CREATE: "+", Action.DELETE: "-", Action.UPDATE: "~", Action.REPLACE: "+-"}


class Effect(StrEnum):
    """What a change does beyond the resource itself."""

    IMAGE_BUILD = "image-build"
    CONTAINER_ROLLOUT = "container-rollout"
    APPLICATION_EDIT = "application-edit"
    SCRIPT_UPLOAD = "script-upload"
    ROUTING = "routing"
    REGISTRY_CREDENTIALS = "registry-credentials"


class _Missing:
    def __repr__(self) -> str:
        return "(none)"


MISSING: Any = _Missing()
"""A property present on one side only."""


class PlanDocumentError(ValueError):
    """The document is not a ``bento-cf plan --json`` output; the message is one line."""


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    new: Any
    implied_by: str | None = None
    """Both sides are unknown, but this sibling's change means the value changes."""


@dataclass(frozen=True)
class ResourceChange:
    name: str
    type: str
    parent: str | None
    action: Action
    properties: tuple[PropertyChange, ...]
    effects: tuple[Effect, ...]
    notes: tuple[str, ...]
    replace_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanDiff:
    project: str
    stack: str
    old_stack: str
    changes: tuple[ResourceChange, ...]
    outputs: tuple[PropertyChange, ...]
    secrets_may_change: tuple[str, ...]
    """``resource.property`` paths that are secret on both sides: offline, nobody can tell."""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def with_effect(self, effect: Effect) -> list[ResourceChange]:
        return [c for c in self.changes if effect in c.effects]

    @property
    def replaced(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.action is Action.REPLACE]


@dataclass(frozen=True)
class _Resource:
    name: str
    type: str
    parent: str | None
    inputs: dict[str, Any]

    @property
    def key(self) -> tuple[str | None, str, str]:
        return (self.parent, self.type, self.name)


def short_type(token: str) -> str:
    return token.removeprefix("pulumi-python:dynamic/")


# ── reading documents ──────────────────────────────────────────────────────────────────────────


def read_plan_document(document: object) -> dict[str, Any]:
    """Check the shape of a ``bento-cf plan --json`` document; raise ``PlanDocumentError``."""
    if not isinstance(document, dict) or not isinstance(document.get("resources"), list):
        raise PlanDocumentError("not a `bento-cf plan --json` document (no 'resources' list)")
    for index, resource in enumerate(document["resources"]):
        if not isinstance(resource, dict):
            raise PlanDocumentError(f"resources[{index}] is not an object")
        for key in ("type", "name"):
            if not isinstance(resource.get(key), str):
                raise PlanDocumentError(f"resources[{index}] has no string '{key}'")
        if not isinstance(resource.get("inputs", {}), dict):
            raise PlanDocumentError(f"resources[{index}].inputs is not an object")
    if not isinstance(document.get("outputs", {}), dict):
        raise PlanDocumentError("'outputs' is not an object")
    return document


def _resources(document: Mapping[str, Any]) -> dict[tuple[str | None, str, str], _Resource]:
    found: dict[tuple[str | None, str, str], _Resource] = {}
    for raw in document["resources"]:
        resource = _Resource(
            name=raw["name"], type=raw["type"], parent=raw.get("parent"), inputs=raw.get("inputs") or {}
        )
        found[resource.key] = resource
    return found


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``; JSON documents in strings (the settings) are opened."""
    if isinstance(value, str) and value.startswith("{"):
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key in sorted(value):
            flat.update(flatten(value[key], f"{prefix}.{key}" if prefix else key))
        return flat
    if isinstance(value, dict) and not prefix:
        return {}
    return {prefix: value}


def _compare(
    old: Mapping[str, Any], new: Mapping[str, Any], ignored: Iterable[str] = ()
) -> tuple[list[PropertyChange], list[str]]:
    """(changed properties, properties secret on both sides)."""
    old_flat, new_flat = flatten(dict(old)), flatten(dict(new))
    skip = tuple(ignored)
    changes: list[PropertyChange] = []
    secret: list[str] = []
    for path in sorted(set(old_flat) | set(new_flat)):
        if skip and path.startswith(skip):
            continue
        before, after = old_flat.get(path, MISSING), new_flat.get(path, MISSING)
        if before == after:
            if before == SECRET_TEXT:
                secret.append(path)
            continue
        changes.append(PropertyChange(path, before, after))
    return changes, secret


def _top_keys(properties: Iterable[PropertyChange]) -> set[str]:
    return {p.path.split(".", 1)[0] for p in properties}


# ── classifying ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Verdict:
    action: Action
    effects: tuple[Effect, ...]
    notes: tuple[str, ...]
    replace_keys: tuple[str, ...] = ()


def _verdict_for_update(resource: _Resource, properties: list[PropertyChange], old: _Resource) -> _Verdict:
    keys = _top_keys(properties)
    if resource.type == CONTAINER_APPLICATION:
        return _container_application_update(keys, properties)
    if resource.type == WORKER_SCRIPT:
        return _worker_update(keys, properties, old, resource)
    if resource.type == DOCKER_IMAGE:
        tag = str(resource.inputs.get("imageName", "")).rsplit(":", 1)[-1]
        return _Verdict(Action.UPDATE, (Effect.IMAGE_BUILD,), (f"image rebuilt and pushed (tag {tag})",))
    if resource.type == REGISTRY_CREDENTIALS:
        replace = _replacing(keys, registry_credentials.REPLACE_KEYS)
        action = Action.REPLACE if replace else Action.UPDATE
        note = "new short-lived push credentials are minted for the new image"
        return _Verdict(action, (Effect.REGISTRY_CREDENTIALS,), (note,), replace)
    if resource.type in _CLOUDFLARE_REPLACE_KEYS:
        replace = _replacing(keys, _CLOUDFLARE_REPLACE_KEYS[resource.type])
        action = Action.REPLACE if replace else Action.UPDATE
        return _Verdict(action, (Effect.ROUTING,), (_routing_note(resource, old, replace),), replace)
    note = "updated (offline, bento-cf cannot tell whether its provider replaces it)"
    return _Verdict(Action.UPDATE, (), (note,))


def _replacing(keys: set[str], replace_keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(keys & set(replace_keys)))


def _container_application_update(keys: set[str], properties: list[PropertyChange]) -> _Verdict:
    replace = _replacing(keys, container_application.REPLACE_KEYS)
    if replace:
        note = (
            f"replaced ({', '.join(replace)} changed): the old application is deleted first, then "
            "the new one is created; its containers stop and new ones start"
        )
        return _Verdict(Action.REPLACE, (), (note,), replace)
    effects: list[Effect] = []
    notes: list[str] = []
    rollout = sorted(keys & set(_ROLLOUT_KEYS))
    if keys & set(_EDITED_IN_PLACE):
        effects.append(Effect.APPLICATION_EDIT)
        edit = "max_instances edited in place (lowering it stops instances above the new ceiling)"
        notes.append(edit if rollout else f"{edit}; no rollout: running containers keep running")
    if rollout:
        effects.append(Effect.CONTAINER_ROLLOUT)
        image = next((p for p in properties if p.path == "image"), None)
        why = "a new image digest" if image is not None else ", ".join(rollout)
        if image is not None and len(rollout) > 1:
            why += f" and {', '.join(k for k in rollout if k != 'image')}"
        notes.append(f"containers roll out to the new configuration ({why})")
    if not effects:
        notes.append("rollout settings only: nothing is sent now; they shape the next rollout")
    return _Verdict(Action.UPDATE, tuple(effects), tuple(notes))


def _worker_update(
    keys: set[str], properties: list[PropertyChange], old: _Resource, new: _Resource
) -> _Verdict:
    replace = _replacing(keys, worker_script.REPLACE_KEYS)
    if replace:
        renamed = (
            f" ('{old.inputs.get('script_name')}' → '{new.inputs.get('script_name')}')"
            if "script_name" in replace
            else ""
        )
        note = (
            f"replaced{renamed}: the Worker is uploaded anew and the old one deleted; its Durable Object "
            "namespace is new (storage starts empty), so the container application is replaced too"
        )
        return _Verdict(Action.REPLACE, (Effect.SCRIPT_UPLOAD,), (note,), replace)
    notes = ["Worker script uploaded (bundle, settings or bindings); no container rollout"]
    if any(p.path.startswith(_CONTAINER_START_SETTINGS) for p in properties):
        notes.append("env vars and sleepAfter reach each container when it next starts")
    return _Verdict(Action.UPDATE, (Effect.SCRIPT_UPLOAD,), tuple(notes))


def _routing_note(resource: _Resource, old: _Resource, replace: tuple[str, ...]) -> str:
    inputs = resource.inputs
    because = f"replaced ({', '.join(replace)} changed)" if replace else "updated"
    if resource.type == CUSTOM_DOMAIN:
        return f"custom domain {inputs.get('hostname')} {because}; only this address changes"
    if resource.type == ROUTE:
        return f"route {inputs.get('pattern')} {because}; only this route changes"
    if old.inputs.get("enabled") != inputs.get("enabled"):
        turned = f"workers.dev address turned {'on' if inputs.get('enabled') else 'off'}"
        return f"{turned} ({because})" if replace else turned
    return f"workers.dev setting {because}; only this address changes"


_CREATE_NOTES: dict[str, tuple[tuple[Effect, ...], str]] = {
    DOCKER_IMAGE: ((Effect.IMAGE_BUILD,), "image built and pushed"),
    WORKER_SCRIPT: ((Effect.SCRIPT_UPLOAD,), "Worker uploaded with its container class (migration v1)"),
    CONTAINER_APPLICATION: ((), "container application created (or adopted) on the Worker's namespace"),
    REGISTRY_CREDENTIALS: ((Effect.REGISTRY_CREDENTIALS,), "short-lived push credentials minted"),
    CUSTOM_DOMAIN: ((Effect.ROUTING,), "custom domain added"),
    ROUTE: ((Effect.ROUTING,), "route added"),
    WORKERS_DEV: ((Effect.ROUTING,), "workers.dev setting declared"),
}
_DELETE_NOTES: dict[str, tuple[tuple[Effect, ...], str]] = {
    DOCKER_IMAGE: ((), "no longer built here (the pushed image stays in the registry)"),
    WORKER_SCRIPT: ((), "Worker deleted, with its Durable Object namespace and storage"),
    CONTAINER_APPLICATION: ((), "container application deleted: its containers stop"),
    REGISTRY_CREDENTIALS: ((), "dropped from state (credentials expire on their own)"),
    CUSTOM_DOMAIN: ((Effect.ROUTING,), "custom domain removed"),
    ROUTE: ((Effect.ROUTING,), "route removed"),
    WORKERS_DEV: ((Effect.ROUTING,), "workers.dev setting removed"),
}


def _implied_changes(
    old: dict[tuple[str | None, str, str], _Resource],
    new: dict[tuple[str | None, str, str], _Resource],
    verdicts: dict[tuple[str | None, str, str], _Verdict],
) -> dict[tuple[str | None, str, str], list[PropertyChange]]:
    """Unknown inputs that change because a sibling does (the plan records no dependencies)."""
    implied: dict[tuple[str | None, str, str], list[PropertyChange]] = {}
    for key, resource in new.items():
        if resource.type != CONTAINER_APPLICATION or key not in old:
            continue
        siblings = [r for r in new.values() if r.parent == resource.parent]
        for sibling in siblings:
            verdict = verdicts.get(sibling.key)
            if verdict is None:
                continue
            rebuilt = sibling.type == DOCKER_IMAGE and Effect.IMAGE_BUILD in verdict.effects
            worker_replaced = sibling.type == WORKER_SCRIPT and verdict.action is Action.REPLACE
            for path, flagged in (("image", rebuilt), ("namespace_id", worker_replaced)):
                both_unknown = old[key].inputs.get(path) == resource.inputs.get(path) == UNKNOWN_TEXT
                if flagged and both_unknown:
                    change = PropertyChange(path, UNKNOWN_TEXT, UNKNOWN_TEXT, implied_by=sibling.name)
                    implied.setdefault(key, []).append(change)
    return implied


def diff_plans(old_document: Mapping[str, Any], new_document: Mapping[str, Any]) -> PlanDiff:
    """Classify every difference between two plan documents (both already checked)."""
    old, new = _resources(old_document), _resources(new_document)
    compared: dict[tuple[str | None, str, str], list[PropertyChange]] = {}
    secrets: list[str] = []
    verdicts: dict[tuple[str | None, str, str], _Verdict] = {}

    # Pass 1: each resource on its own.
    for key in sorted(set(old) | set(new), key=lambda k: (k[2], k[1])):
        if key not in old:
            effects, note = _CREATE_NOTES.get(new[key].type, ((), "created"))
            verdicts[key] = _Verdict(Action.CREATE, effects, (note,))
            compared[key] = _compare({}, new[key].inputs)[0]
        elif key not in new:
            effects, note = _DELETE_NOTES.get(old[key].type, ((), "deleted"))
            verdicts[key] = _Verdict(Action.DELETE, effects, (note,))
            compared[key] = []
        else:
            ignored = _DOCKER_IGNORED if new[key].type == DOCKER_IMAGE else ()
            properties, secret = _compare(old[key].inputs, new[key].inputs, ignored)
            secrets += [f"{key[2]}.{path}" for path in secret]
            compared[key] = properties
            if properties:
                verdicts[key] = _verdict_for_update(new[key], properties, old[key])

    # Pass 2: unknowns implied by a sibling's change, then classify those resources again.
    for key, extra in _implied_changes(old, new, verdicts).items():
        compared[key] = sorted(compared[key] + extra, key=lambda p: p.path)
        verdicts[key] = _verdict_for_update(new[key], compared[key], old[key])

    changes = tuple(
        ResourceChange(
            name=key[2],
            type=key[1],
            parent=key[0],
            action=verdict.action,
            properties=tuple(compared[key]),
            effects=verdict.effects,
            notes=verdict.notes,
            replace_keys=verdict.replace_keys,
        )
        for key, verdict in verdicts.items()
    )
    outputs, _ = _compare(old_document.get("outputs") or {}, new_document.get("outputs") or {})
    counts = {action.value: sum(1 for c in changes if c.action is action) for action in Action}
    return PlanDiff(
        project=str(new_document.get("project", "")),
        stack=str(new_document.get("stack", "")),
        old_stack=str(old_document.get("stack", "")),
        changes=changes,
        outputs=tuple(outputs),
        secrets_may_change=tuple(secrets),
        counts=counts,
    )


# ── rendering ──────────────────────────────────────────────────────────────────────────────────


def show_value(value: Any) -> str:
    if value is MISSING:
        return "(none)"
    if isinstance(value, str) and (value in (SECRET_TEXT, UNKNOWN_TEXT) or value.startswith("<")):
        return value
    return json.dumps(value, sort_keys=True)


def _show_property(change: PropertyChange) -> str:
    if change.implied_by is not None:
        return f"{change.path}: {UNKNOWN_TEXT}, changes with {change.implied_by}"
    return f"{change.path}: {show_value(change.old)} → {show_value(change.new)}"


def _counts_line(diff: PlanDiff) -> str:
    parts = [f"{n} to {action}" for action, n in diff.counts.items() if n]
    return ", ".join(parts) if parts else "no changes"


def _headline_flags(diff: PlanDiff) -> list[tuple[str, str]]:
    def names(changes: list[ResourceChange]) -> str:
        return ", ".join(c.name for c in changes) if changes else ""

    return [
        ("Image rebuilt", names(diff.with_effect(Effect.IMAGE_BUILD))),
        ("Containers roll out", names(diff.with_effect(Effect.CONTAINER_ROLLOUT))),
        ("Application edited in place", names(diff.with_effect(Effect.APPLICATION_EDIT))),
        ("Replaced", names(diff.replaced)),
    ]


def _compared_with(diff: PlanDiff) -> str:
    return "" if diff.old_stack in ("", diff.stack) else f" (compared with stack {diff.old_stack})"


def render_diff_text(diff: PlanDiff) -> str:
    lines = [f"bento-cf plan diff · project {diff.project} · stack {diff.stack}{_compared_with(diff)}", ""]
    if not diff.has_changes:
        lines.append("No changes.")
    for change in diff.changes:
        symbol = ACTION_SYMBOLS[change.action]
        lines.append(f"{symbol:>2} {change.name}  {short_type(change.type)}  {change.action}")
        lines += [f"      {note}" for note in change.notes]
        lines += [f"      {_show_property(p)}" for p in change.properties]
    if diff.has_changes:
        lines += ["", f"Summary: {_counts_line(diff)}"]
        lines += [f"{label}: {who or 'no'}" for label, who in _headline_flags(diff)]
    if diff.outputs:
        lines += ["", "Outputs:"] + [f"  {_show_property(p)}" for p in diff.outputs]
    lines += _footnotes(diff)
    return "\n".join(lines)


def _footnotes(diff: PlanDiff) -> list[str]:
    notes = [""]
    if diff.secrets_may_change:
        notes.append(
            "Secret values cannot be compared offline and may change: " + ", ".join(diff.secrets_may_change)
        )
    notes.append(f"Values shown as {UNKNOWN_TEXT} are only known to Cloudflare at `pulumi up`.")
    return notes


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_diff_markdown(diff: PlanDiff) -> str:
    """A pull-request comment: headline, flags, one table row per resource, details folded."""
    lines = [f"### bento-cf plan diff: stack `{diff.stack}`{_compared_with(diff)}", ""]
    if not diff.has_changes:
        lines.append("**No changes.**")
    else:
        lines += [f"**{_counts_line(diff)}**", ""]
        for label, who in _headline_flags(diff):
            shown = ", ".join(f"`{n}`" for n in who.split(", ")) if who else "no"
            lines.append(f"- **{label}:** {shown}")
        lines += ["", "| | resource | type | what happens |", "|---|---|---|---|"]
        for change in diff.changes:
            symbol = ACTION_SYMBOLS[change.action]
            what = _cell("; ".join(change.notes))
            lines.append(
                f"| `{symbol}` {change.action} | `{change.name}` | `{short_type(change.type)}` | {what} |"
            )
        lines += ["", "<details><summary>Changed properties</summary>", "", "```diff"]
        for change in diff.changes:
            # Hunk headers: rendered apart from the -/+ lines in a diff block.
            symbol = ACTION_SYMBOLS[change.action]
            lines.append(f"@@ {symbol} {change.name} ({short_type(change.type)}) {change.action} @@")
            lines += [_diff_lines(p) for p in change.properties]
        if diff.outputs:
            lines.append("@@ outputs @@")
            lines += [_diff_lines(p) for p in diff.outputs]
        lines += ["```", "", "</details>"]
    lines += _footnotes(diff)
    return "\n".join(lines) + "\n"


def _diff_lines(change: PropertyChange) -> str:
    if change.implied_by is not None:
        return f"~   {_show_property(change)}"
    if change.old is MISSING:
        return f"+   {change.path}: {show_value(change.new)}"
    if change.new is MISSING:
        return f"-   {change.path}: {show_value(change.old)}"
    return f"-   {change.path}: {show_value(change.old)}\n+   {change.path}: {show_value(change.new)}"


def _property_json(change: PropertyChange) -> dict[str, Any]:
    document: dict[str, Any] = {
        "path": change.path,
        "old": None if change.old is MISSING else change.old,
        "new": None if change.new is MISSING else change.new,
    }
    if change.implied_by is not None:
        document["implied_by"] = change.implied_by
    return document


def diff_to_json(diff: PlanDiff) -> dict[str, Any]:
    return {
        "project": diff.project,
        "stack": diff.stack,
        "old_stack": diff.old_stack,
        "changed": diff.has_changes,
        "summary": diff.counts,
        "image_rebuild": bool(diff.with_effect(Effect.IMAGE_BUILD)),
        "container_rollout": bool(diff.with_effect(Effect.CONTAINER_ROLLOUT)),
        "replaces": [c.name for c in diff.replaced],
        "changes": [
            {
                "resource": c.name,
                "type": c.type,
                "parent": c.parent,
                "action": c.action.value,
                "effects": [e.value for e in c.effects],
                "notes": list(c.notes),
                "replace_keys": list(c.replace_keys),
                "properties": [_property_json(p) for p in c.properties],
            }
            for c in diff.changes
        ],
        "outputs": [_property_json(p) for p in diff.outputs],
        "secrets_may_change": list(diff.secrets_may_change),
    }


def render_diff_json(diff: PlanDiff) -> str:
    return json.dumps(diff_to_json(diff), indent=2)
