"""Read a Pulumi project (``Pulumi.yaml``) and one stack's settings file without the Pulumi CLI.

Secure values (``secure: v1:…``) are never decrypted: offline they become placeholders and the
key is marked secret, exactly as the engine would mark it, so the plan masks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "[secret]"


class ProjectError(Exception):
    """The project or stack file cannot be used; the message is one line."""


@dataclass(frozen=True)
class StackConfig:
    values: dict[str, str]
    """``namespace:key`` → value as the engine passes it (objects JSON-encoded)."""
    secret_keys: frozenset[str]


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    program_dir: Path
    stack_config_dir: Path
    settings: dict[str, Any] = field(default_factory=dict)

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def load_stack(self, stack: str) -> StackConfig:
        path = self.stack_file(stack)
        if not path.is_file():
            available = sorted(
                p.name[len("Pulumi.") : -len(".yaml")] for p in self.stack_config_dir.glob("Pulumi.*.yaml")
            )
            hint = f"; stacks here: {', '.join(available)}" if available else ""
            raise ProjectError(f"no stack file {self._rel(path)} for stack {stack!r}{hint}")
        document = _load_yaml(path)
        raw = document.get("config") or {}
        if not isinstance(raw, dict):
            raise ProjectError(f"{self._rel(path)}: 'config' must be a mapping")
        values: dict[str, str] = {}
        secret_keys: set[str] = set()
        for key, value in raw.items():
            full_key = key if ":" in key else f"{self.name}:{key}"
            plain, is_secret = _unwrap_secure(value)
            values[full_key] = _engine_string(plain)
            if is_secret:
                secret_keys.add(full_key)
        return StackConfig(values=values, secret_keys=frozenset(secret_keys))

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)


def find_project(start: Path) -> Project:
    """The nearest ``Pulumi.yaml`` at or above ``start``."""
    for folder in (start, *start.parents):
        candidate = folder / "Pulumi.yaml"
        if candidate.is_file():
            return _read_project(candidate)
    raise ProjectError(f"no Pulumi.yaml in {start} or above; run bento-cf from a Pulumi project")


def _read_project(path: Path) -> Project:
    document = _load_yaml(path)
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ProjectError(f"{path}: 'name' is missing")
    root = path.parent
    main = document.get("main")
    program_dir = (root / main) if isinstance(main, str) else root
    if program_dir.suffix == ".py":
        program_dir = program_dir.parent
    config_dir = document.get("stackConfigDir")
    stack_config_dir = root / config_dir if isinstance(config_dir, str) else root
    return Project(
        root=root, name=name, program_dir=program_dir, stack_config_dir=stack_config_dir, settings=document
    )


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ProjectError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(document, dict):
        raise ProjectError(f"{path}: expected a mapping at the top level")
    return document


def _unwrap_secure(value: Any) -> tuple[Any, bool]:
    """Replace every ``{secure: …}`` with a placeholder; report whether any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        found = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            out[key], inner = _unwrap_secure(item)
            found = found or inner
        return out, found
    if isinstance(value, list):
        items = [_unwrap_secure(item) for item in value]
        return [item for item, _ in items], any(secret for _, secret in items)
    return value, False


def _engine_string(value: Any) -> str:
    """Config values reach programs as strings; objects and lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
