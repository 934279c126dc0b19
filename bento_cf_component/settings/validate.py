"""Turn raw args into ``ComponentSettings``, or into one clear line per problem."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.settings.model import ComponentSettings

CONFIG_NAMESPACE = "bento-cf"

# Fields whose values are secret: an error about them never repeats the value.
_SECRET_PATHS = (("access", "token"), ("access", "admin_token"), ("container", "secrets"))

# How to set a key from the command line, for messages about missing or bad values.
_SECRET_KEYS = {
    ("access", "token"): "access_token",
    ("access", "admin_token"): "admin_token",
    ("container", "secrets"): "secrets",
}


def default_worker_name(project: str, stack: str) -> str:
    """``<project>-<stack>``, made a valid script name (lower case, dashes, ≤ 63 chars)."""
    name = re.sub(r"[^a-z0-9-]+", "-", f"{project}-{stack}".lower()).strip("-")
    return re.sub(r"-{2,}", "-", name)[:63].rstrip("-") or "bento"


def validate_settings(
    args: Mapping[str, Any], *, project: str, stack: str, from_stack_config: bool = True
) -> ComponentSettings:
    """Validate ``args`` (Python args or stack config); raise ``BentoCfConfigError`` on bad input.

    ``from_stack_config`` picks the fix a message suggests: a ``pulumi config set`` command, or
    changing the arguments the program passes.
    """
    data = dict(args)
    data.setdefault("worker_name", default_worker_name(project, stack))
    # Validated in place (not by a default factory) so its errors carry the `access` location.
    data.setdefault("access", {})
    try:
        return ComponentSettings.model_validate(data)
    except ValidationError as exc:
        raise BentoCfConfigError(_describe(e, from_stack_config) for e in exc.errors()) from None


def _describe(error: Mapping[str, Any], from_stack_config: bool = True) -> str:
    # pydantic marks a failing dict key with a trailing "[key]"; the key itself names the setting.
    loc = tuple(str(part) for part in error["loc"] if part != "[key]")
    ctx = error.get("ctx") or {}
    if isinstance(ctx.get("key"), str):
        loc = loc + tuple(ctx["key"].split("."))
    key = f"{CONFIG_NAMESPACE}:{'.'.join(loc)}" if loc else CONFIG_NAMESPACE
    kind = error["type"]
    # A value at a secret path, or an object that contains one (e.g. a token given as `access`).
    secret = any(loc[: len(p)] == p or p[: len(loc)] == loc for p in _SECRET_PATHS)
    shown = "" if secret or kind == "missing" else f" (got {_short(error.get('input'))})"

    how = _how_to_set(loc) if from_stack_config else "set it in the BentoCloudflare arguments of your program"
    if kind == "missing":
        return f"{key}: required — {how}"
    if kind == "extra_forbidden":
        return f"{key}: unknown setting{_did_you_mean(loc)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return f"{key}: {_short(error.get('input'))} is not one of {expected}"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return f"{key}: {error['msg'].lower()}{shown} — {how}"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{key}: {error['msg'].lower()}{shown}"
    return f"{key}: {error['msg']}"


def _how_to_set(loc: Sequence[str]) -> str:
    for prefix, top_key in _SECRET_KEYS.items():
        if tuple(loc[: len(prefix)]) == prefix:
            rest = ".".join(loc[len(prefix) :])
            path = f"{CONFIG_NAMESPACE}:{top_key}" + (f".{rest}" if rest else "")
            flag = " --path" if rest else ""
            return f"set it with: pulumi config set --secret{flag} {path} <value>"
    path = ".".join(loc)
    flag = " --path" if len(loc) > 1 else ""
    return f"set it with: pulumi config set{flag} {CONFIG_NAMESPACE}:{path} <value>"


# Words users reach for that string similarity would not map to the right field.
_SYNONYMS = {"file": "config", "path": "config", "zone": "zone_id", "token": "access_token"}


def _did_you_mean(loc: Sequence[str]) -> str:
    """Suggest the closest known field name for a typo."""
    model: type[BaseModel] | None = ComponentSettings
    for part in loc[:-1]:
        if part.isdigit():  # an index into a list of models: stay on the item's model
            continue
        field = model.model_fields.get(part) if model else None
        model = _model_of(field.annotation) if field else None
    if model is None:
        return ""
    synonym = _SYNONYMS.get(loc[-1])
    if synonym in model.model_fields:
        return f"; did you mean {synonym!r}?"
    close = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1)
    known = ", ".join(sorted(model.model_fields))
    return f"; did you mean {close[0]!r}?" if close else f"; known settings: {known}"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``Model``, ``Model | None`` or ``list[Model]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in get_args(annotation):
        found = _model_of(inner)
        if found is not None:
            return found
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
