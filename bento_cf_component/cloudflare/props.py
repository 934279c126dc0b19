"""Reading the property bags the dynamic-provider host hands to provider methods.

``check`` and ``diff`` receive values that may still be unknown during a preview (the engine's
sentinel string); ``create``/``update``/``delete`` receive resolved plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.runtime import rpc

from bento_cf_component.cloudflare.errors import CloudflareDeployError

UNKNOWN: str = rpc.UNKNOWN


def is_unknown(value: object) -> bool:
    """True for a value the engine does not know yet (preview), also inside lists and dicts."""
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


def as_str(props: Mapping[str, Any], key: str) -> str:
    """A required string property of a resolved bag."""
    value = props.get(key)
    if not isinstance(value, str) or not value:
        raise CloudflareDeployError(f"input '{key}' must be a non-empty string")
    return value


def as_int(props: Mapping[str, Any], key: str, default: int) -> int:
    """An integer property; Pulumi sends numbers as floats, so whole floats are accepted."""
    value = props.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise CloudflareDeployError(f"input '{key}' must be a whole number")
    return int(value)


def as_bool(props: Mapping[str, Any], key: str, default: bool) -> bool:
    value = props.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise CloudflareDeployError(f"input '{key}' must be true or false")
    return value


def as_str_list(props: Mapping[str, Any], key: str) -> list[str]:
    value = props.get(key) or []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise CloudflareDeployError(f"input '{key}' must be a list of strings")
    return list(value)


def as_str_dict(props: Mapping[str, Any], key: str) -> dict[str, str]:
    value = props.get(key) or {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise CloudflareDeployError(f"input '{key}' must be a map of strings to strings")
    return dict(value)


def changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    """The keys whose new value is unknown or differs from the old one (ints and floats equal)."""
    return [key for key in keys if is_unknown(news.get(key)) or _norm(olds.get(key)) != _norm(news.get(key))]


def _norm(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value
