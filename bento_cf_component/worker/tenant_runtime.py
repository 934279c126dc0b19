"""The durable-object pattern's part of the Worker's runtime settings.

Contract (docs/architecture.md, "Durable-object pattern"; docs/tenant-pattern.md)::

    {"tenant": {"source": "path", "pathPrefix": "/t", "header": "x-tenant-id",
                "hostnameLabel": 0, "pattern": "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
                "allowList": null, "envName": "TENANT_ID"},
     "wsPath": "/post/ws", "adminPath": "/_bento-cf/tenants",
     "keepWarm": {"tenants": ["acme"], "intervalSeconds": 240}}

``tenant`` is required with pattern ``durable-object``; ``wsPath``, ``adminPath`` and
``keepWarm`` are optional (absent = off). The checks mirror ``worker/src/settings-tenant.js`` and
``worker/src/tenant-key.js``, so a bad value fails at plan time, not as a 500 from the Worker.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from bento_cf_component.worker.paths import WORKER_PATHS, is_management_path

ADMIN_TOKEN_BINDING = "BENTO_CF_ADMIN_TOKEN"
"""``secret_text``: the admin endpoint's bearer token; absent = the admin endpoint is off (404)."""
TENANTS_BINDING = "BENTO_CF_TENANTS"
"""Optional ``secret_text``: a JSON array of tenant keys; when bound it replaces ``allow_list``."""
TENANT_BINDING_NAMES = frozenset({ADMIN_TOKEN_BINDING, TENANTS_BINDING})

DEFAULT_TENANT_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
TENANT_KEY_MAX_LENGTH = 63
"""Fixed rules no ``pattern`` can loosen: 1-63 characters of [A-Za-z0-9._~-], not "." or ".."."""
MAX_HOSTNAME_LABEL = 126

TenantSource = Literal["path", "header", "hostname"]

_UNRESERVED = re.compile(r"^[A-Za-z0-9._~-]+$")
_HTTP_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
_SLEEP_AFTER = re.compile(r"^(\d+)([smh])$")


@dataclass(frozen=True)
class TenantRuntime:
    """Where the tenant key comes from and what a valid key is. Invalid values raise ``ValueError``."""

    source: TenantSource = "path"
    """``path``: ``<path_prefix>/<tenant>/<rest>`` (Bento gets ``/<rest>``); ``header``; ``hostname``."""
    path_prefix: str = "/t"
    header: str = "x-tenant-id"
    hostname_label: int = 0
    """Which host label is the tenant, counted from the left (0 = leftmost)."""
    pattern: str = DEFAULT_TENANT_PATTERN
    """A regular expression anchored with ^ and $ (JavaScript syntax; keep to the common subset)."""
    allow_list: tuple[str, ...] | None = None
    """None: every valid key is served; else only these (others get 404)."""
    env_name: str = "TENANT_ID"
    """The env var that carries the tenant id into the tenant's container."""

    def __post_init__(self) -> None:
        if self.allow_list is not None and not isinstance(self.allow_list, tuple):
            object.__setattr__(self, "allow_list", tuple(self.allow_list))
        problems = self.problems()
        if problems:
            raise ValueError("invalid tenant runtime settings: " + "; ".join(problems))

    def problems(self) -> list[str]:
        problems: list[str] = []
        if self.source not in get_args(TenantSource):
            sources = ", ".join(get_args(TenantSource))
            problems.append(f"tenant source must be one of {sources}, not {self.source!r}")
        prefix = self.path_prefix
        if (
            _path_problem(prefix) is not None
            or not isinstance(prefix, str)
            or prefix.endswith("/")
            or prefix in WORKER_PATHS
            or is_management_path(prefix)
        ):
            problems.append(
                "tenant path_prefix must be a path like '/t' (no trailing '/', not /ping, /ready or a "
                f"Bento management path), not {prefix!r}"
            )
        if not isinstance(self.header, str) or not _HTTP_TOKEN.match(self.header):
            problems.append(f"tenant header must be an HTTP header name, not {self.header!r}")
        if not _is_int(self.hostname_label, 0, MAX_HOSTNAME_LABEL):
            label = self.hostname_label
            problems.append(f"tenant hostname_label must be an integer 0-{MAX_HOSTNAME_LABEL}, not {label!r}")
        pattern_problem = tenant_pattern_problem(self.pattern)
        if pattern_problem is not None:
            problems.append(f"tenant pattern {pattern_problem}, not {self.pattern!r}")
        elif self.allow_list is not None:
            if not self.allow_list:
                problems.append("tenant allow_list must be None or a non-empty list of tenant keys")
            problems += _key_list_problems("tenant allow_list", self.allow_list, self.pattern)
        if not isinstance(self.env_name, str) or not _ENV_NAME.match(self.env_name):
            problems.append(f"tenant env_name must be an environment variable name, not {self.env_name!r}")
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "pathPrefix": self.path_prefix,
            "header": self.header,
            "hostnameLabel": self.hostname_label,
            "pattern": self.pattern,
            "allowList": list(self.allow_list) if self.allow_list is not None else None,
            "envName": self.env_name,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TenantRuntime:
        allow = data["allowList"]
        return cls(
            source=data["source"],
            path_prefix=data["pathPrefix"],
            header=data["header"],
            hostname_label=data["hostnameLabel"],
            pattern=data["pattern"],
            allow_list=tuple(allow) if allow is not None else None,
            env_name=data["envName"],
        )


@dataclass(frozen=True)
class KeepWarmRuntime:
    """Tenants whose containers are pinged every ``interval_seconds`` (< sleep_after): always on."""

    tenants: tuple[str, ...]
    interval_seconds: int = 240

    def __post_init__(self) -> None:
        if not isinstance(self.tenants, tuple):
            object.__setattr__(self, "tenants", tuple(self.tenants))
        problems = self.problems()
        if problems:
            raise ValueError("invalid keep-warm runtime settings: " + "; ".join(problems))

    def problems(self) -> list[str]:
        problems: list[str] = []
        if not self.tenants or not all(isinstance(t, str) for t in self.tenants):
            problems.append(f"keep_warm tenants must be a non-empty list of keys, not {self.tenants!r}")
        elif len(set(self.tenants)) != len(self.tenants):
            problems.append("keep_warm tenants has duplicates")
        if not _is_int(self.interval_seconds, 1, 86_400):
            interval = self.interval_seconds
            problems.append(f"keep_warm interval_seconds must be an integer 1-86400, not {interval!r}")
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {"tenants": list(self.tenants), "intervalSeconds": self.interval_seconds}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeepWarmRuntime:
        return cls(tenants=tuple(data["tenants"]), interval_seconds=data["intervalSeconds"])


def tenant_key_problem(key: object, pattern: str) -> str | None:
    """None when ``key`` is a valid tenant key under ``pattern`` (the Worker's rules), else why not."""
    if not isinstance(key, str) or not key:
        return "the tenant key is empty"
    if len(key) > TENANT_KEY_MAX_LENGTH:
        return f"the tenant key is longer than {TENANT_KEY_MAX_LENGTH} characters"
    if not _UNRESERVED.match(key):
        return 'the tenant key may only contain ASCII letters, digits and "-", ".", "_", "~"'
    if key in (".", ".."):
        return "the tenant key cannot be a dot segment"
    if not re.search(pattern, key):
        return "the tenant key does not match the tenant pattern"
    return None


def tenant_pattern_problem(pattern: object) -> str | None:
    """None when ``pattern`` is usable: anchored with ^ and $, printable ASCII, compiles."""
    if not isinstance(pattern, str) or not pattern.startswith("^") or not pattern.endswith("$"):
        return "must be a regular expression anchored with ^ and $"
    if not _PRINTABLE_ASCII.match(pattern):
        return "must be printable ASCII"
    try:
        re.compile(pattern)
    except re.error as error:
        return f"is not a valid regular expression ({error})"
    return None


def durable_object_problems(
    *,
    pattern: str,
    tenant: TenantRuntime | None,
    ws_path: str | None,
    admin_path: str | None,
    keep_warm: KeepWarmRuntime | None,
    input_path: str,
    env_vars: Mapping[str, str],
    secret_env_names: Collection[str],
    sleep_after: str,
) -> list[str]:
    """The cross-field checks of the durable-object settings against the rest of RuntimeSettings."""
    fields = {"tenant": tenant, "ws_path": ws_path, "admin_path": admin_path, "keep_warm": keep_warm}
    if pattern != "durable-object":
        used = [name for name, value in fields.items() if value is not None]
        return [f"{name} is only used by the durable-object pattern" for name in used]

    problems: list[str] = []
    if tenant is None:
        return ["pattern durable-object needs tenant settings (TenantRuntime)"]
    for name, path in (("ws_path", ws_path), ("admin_path", admin_path)):
        if path is None:
            continue
        problem = _path_problem(path)
        if problem is None and (path in WORKER_PATHS or is_management_path(path)):
            problem = "must not be /ping, /ready or a Bento management path"
        if problem is not None:
            problems.append(f"{name} {problem}, not {path!r}")
    if ws_path is not None and ws_path == input_path:
        problems.append("ws_path must differ from input_path")
    prefix = tenant.path_prefix
    under_prefix = admin_path is not None and (admin_path == prefix or admin_path.startswith(prefix + "/"))
    if tenant.source == "path" and under_prefix:
        problems.append(f"admin_path {admin_path!r} must not be under the tenant path_prefix {prefix!r}")
    if tenant.env_name in env_vars or tenant.env_name in secret_env_names:
        problems.append(f"{tenant.env_name} is the tenant env var (tenant env_name); not in env_vars/secrets")
    taken = sorted(TENANT_BINDING_NAMES & set(secret_env_names))
    if taken:
        names = ", ".join(taken)
        problems.append(f"secret {names} collides with a binding the durable-object Worker uses itself")
    if keep_warm is not None:
        problems += _key_list_problems("keep_warm tenants", keep_warm.tenants, tenant.pattern)
        if tenant.allow_list is not None:
            outside = [t for t in keep_warm.tenants if t not in tenant.allow_list]
            if outside:
                problems.append(f"keep_warm tenants not in the tenant allow_list: {', '.join(outside)}")
        sleep_seconds = _seconds(sleep_after)
        if sleep_seconds is not None and keep_warm.interval_seconds >= sleep_seconds:
            problems.append(
                f"keep_warm interval_seconds ({keep_warm.interval_seconds}) must be shorter than "
                f"sleep_after ({sleep_after}), or the container falls asleep between pings"
            )
    return problems


def _key_list_problems(label: str, keys: Collection[str], pattern: str) -> list[str]:
    problems: list[str] = []
    bad = [key for key in keys if tenant_key_problem(key, pattern) is not None]
    if bad:
        problems.append(f"{label} has invalid tenant keys: {', '.join(repr(k) for k in bad)}")
    if len(set(keys)) != len(list(keys)):
        problems.append(f"{label} has duplicates")
    return problems


def _path_problem(path: object) -> str | None:
    """Mirrors the Worker: a plain path as Bento's router sees it (no encoding, //, dot segments)."""
    if not isinstance(path, str) or not path.startswith("/"):
        return "must be a plain path starting with '/'"
    if any(c in path for c in "{}%?#") or "//" in path or not _PRINTABLE_ASCII.match(path):
        return "must be a plain path starting with '/'"
    if any(segment in (".", "..") for segment in path.split("/")):
        return "must be a plain path starting with '/'"
    return None


def _seconds(duration: str) -> int | None:
    match = _SLEEP_AFTER.match(duration) if isinstance(duration, str) else None
    if match is None:
        return None
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)]


def _is_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
