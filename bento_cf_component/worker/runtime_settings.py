"""The Worker's runtime settings: the JSON carried by the ``BENTO_CF_SETTINGS`` binding.

``RuntimeSettings`` is flat and snake_case for Python callers; ``to_json`` writes the nested
camelCase object of the contract in docs/architecture.md. The checks here mirror
``worker/src/settings.js``, which rejects any other shape, so a bad value fails at plan time
rather than as a 500 from the deployed Worker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from bento_cf_component.worker.queue_runtime import (
    QueueRuntime,
    ScheduleRuntime,
    queue_from_dict,
    queue_pattern_problems,
    schedule_from_dict,
)
from bento_cf_component.worker.tenant_runtime import KeepWarmRuntime, TenantRuntime, durable_object_problems

# The Worker's binding names (docs/architecture.md, "Contract: the Worker's bindings").
SETTINGS_BINDING = "BENTO_CF_SETTINGS"
CONTAINER_BINDING = "BENTO_CONTAINER"
ACCESS_TOKEN_BINDING = "BENTO_CF_ACCESS_TOKEN"
CONTAINER_CLASS_NAME = "BentoContainer"
RESERVED_BINDING_NAMES = frozenset({SETTINGS_BINDING, CONTAINER_BINDING, ACCESS_TOKEN_BINDING})

Pattern = Literal["request", "queue", "durable-object"]
ResponseMode = Literal["sync", "accepted"]
AccessMode = Literal["bearer", "public"]

_HTTP_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The only forms @cloudflare/containers accepts for sleepAfter.
_SLEEP_AFTER = re.compile(r"^\d+[smh]$")


@dataclass(frozen=True)
class RuntimeSettings:
    """Everything the Worker needs at run time. Invalid values raise ``ValueError``."""

    pattern: Pattern
    port: int
    input_path: str
    """Bento ``http_server`` path; "{name}" segments and a trailing "/" follow Bento's rules."""
    input_methods: tuple[str, ...]
    response_mode: ResponseMode
    """``sync``: Bento's reply is returned unchanged; ``accepted``: 202 once Bento answered 2xx."""
    instance_count: int
    sticky_header: str | None
    """Same value of this request header -> same instance; None -> random among the instances."""
    access_mode: AccessMode
    """``bearer``: requests need ``Authorization: Bearer <BENTO_CF_ACCESS_TOKEN>``."""
    startup_budget_ms: int
    """How long a request may wait for a cold container before the Worker answers 503."""
    retry_after_seconds: int
    sleep_after: str
    env_vars: Mapping[str, str] = field(default_factory=dict)
    secret_env_names: tuple[str, ...] = ()
    """Each is read from the Worker secret binding of the same name and passed as that env var."""
    queue: QueueRuntime | None = None
    """Required with pattern ``queue``, absent otherwise (worker/queue_runtime.py)."""
    schedule: ScheduleRuntime | None = None
    """Pattern ``queue`` only: POST ``{}`` to this path on a cron trigger."""
    tenant: TenantRuntime | None = None
    """Required with pattern ``durable-object``, absent otherwise (worker/tenant_runtime.py)."""
    ws_path: str | None = None
    """Pattern ``durable-object``: WebSocket upgrades on this path go to Bento's ``ws_path``."""
    admin_path: str | None = None
    """Pattern ``durable-object``: the per-tenant state endpoint (needs ``BENTO_CF_ADMIN_TOKEN``)."""
    keep_warm: KeepWarmRuntime | None = None

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError("invalid Worker runtime settings: " + "; ".join(problems))
        # Normalised copies, so equal settings always serialise to the same bytes.
        object.__setattr__(self, "input_methods", _unique_upper(self.input_methods))
        object.__setattr__(self, "env_vars", dict(sorted(self.env_vars.items())))
        object.__setattr__(self, "secret_env_names", tuple(sorted(set(self.secret_env_names))))

    def to_dict(self) -> dict[str, Any]:
        """The binding's JSON object, with the camelCase keys the Worker reads."""
        return {
            "pattern": self.pattern,
            "port": self.port,
            "inputPath": self.input_path,
            "inputMethods": list(self.input_methods),
            "responseMode": self.response_mode,
            "instances": {"count": self.instance_count, "stickyHeader": self.sticky_header},
            "access": {"mode": self.access_mode},
            "startupBudgetMs": self.startup_budget_ms,
            "retryAfterSeconds": self.retry_after_seconds,
            "sleepAfter": self.sleep_after,
            "envVars": dict(self.env_vars),
            "secretEnvNames": list(self.secret_env_names),
            **({"queue": self.queue.to_dict()} if self.queue is not None else {}),
            **({"schedule": self.schedule.to_dict()} if self.schedule is not None else {}),
            **({"tenant": self.tenant.to_dict()} if self.tenant is not None else {}),
            **({"wsPath": self.ws_path} if self.ws_path is not None else {}),
            **({"adminPath": self.admin_path} if self.admin_path is not None else {}),
            **({"keepWarm": self.keep_warm.to_dict()} if self.keep_warm is not None else {}),
        }

    def to_json(self) -> str:
        """Compact JSON with sorted keys: the same settings always give the same bytes."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuntimeSettings:
        """Inverse of ``to_dict``."""
        return cls(
            pattern=data["pattern"],
            port=data["port"],
            input_path=data["inputPath"],
            input_methods=tuple(data["inputMethods"]),
            response_mode=data["responseMode"],
            instance_count=data["instances"]["count"],
            sticky_header=data["instances"]["stickyHeader"],
            access_mode=data["access"]["mode"],
            startup_budget_ms=data["startupBudgetMs"],
            retry_after_seconds=data["retryAfterSeconds"],
            sleep_after=data["sleepAfter"],
            env_vars=dict(data["envVars"]),
            secret_env_names=tuple(data["secretEnvNames"]),
            queue=queue_from_dict(data.get("queue")),
            schedule=schedule_from_dict(data.get("schedule")),
            tenant=TenantRuntime.from_dict(data["tenant"]) if data.get("tenant") is not None else None,
            ws_path=data.get("wsPath"),
            admin_path=data.get("adminPath"),
            keep_warm=KeepWarmRuntime.from_dict(data["keepWarm"]) if data.get("keepWarm") else None,
        )


def _problems(s: RuntimeSettings) -> list[str]:
    problems: list[str] = []
    if s.pattern not in get_args(Pattern):
        problems.append(f"pattern must be one of {', '.join(get_args(Pattern))}, not {s.pattern!r}")
    if not _is_int(s.port, 1, 65_535):
        problems.append(f"port must be an integer 1-65535, not {s.port!r}")
    if not isinstance(s.input_path, str) or not s.input_path.startswith("/"):
        problems.append(f"input_path must start with '/', not {s.input_path!r}")
    if not s.input_methods or not all(isinstance(m, str) and _HTTP_TOKEN.match(m) for m in s.input_methods):
        problems.append(f"input_methods must be a non-empty list of HTTP methods, not {s.input_methods!r}")
    if s.response_mode not in get_args(ResponseMode):
        problems.append(f"response_mode must be sync or accepted, not {s.response_mode!r}")
    if not _is_int(s.instance_count, 1, 10_000):
        problems.append(f"instance_count must be an integer >= 1, not {s.instance_count!r}")
    if s.sticky_header is not None and not (
        isinstance(s.sticky_header, str) and _HTTP_TOKEN.match(s.sticky_header)
    ):
        problems.append(f"sticky_header must be a header name or None, not {s.sticky_header!r}")
    if s.access_mode not in get_args(AccessMode):
        problems.append(f"access_mode must be bearer or public, not {s.access_mode!r}")
    if not _is_int(s.startup_budget_ms, 1, 900_000):
        problems.append(f"startup_budget_ms must be an integer 1-900000, not {s.startup_budget_ms!r}")
    if not _is_int(s.retry_after_seconds, 0, 86_400):
        problems.append(f"retry_after_seconds must be an integer 0-86400, not {s.retry_after_seconds!r}")
    if not isinstance(s.sleep_after, str) or not _SLEEP_AFTER.match(s.sleep_after):
        problems.append(f"sleep_after must look like '30s', '10m' or '1h', not {s.sleep_after!r}")
    if not all(isinstance(v, str) for v in s.env_vars.values()):
        problems.append("env_vars values must be strings")
    problems += _bad_env_names("env_vars", s.env_vars)
    problems += _bad_env_names("secret_env_names", s.secret_env_names)
    reserved = sorted(set(s.secret_env_names) & RESERVED_BINDING_NAMES)
    if reserved:
        problems.append(f"secret {', '.join(reserved)} collides with a binding the Worker uses itself")
    both = sorted(set(s.env_vars) & set(s.secret_env_names))
    if both:
        problems.append(f"{', '.join(both)} is both a plain env var and a secret; keep one")
    taken = RESERVED_BINDING_NAMES | set(s.secret_env_names)
    problems += queue_pattern_problems(
        pattern=s.pattern,
        queue=s.queue,
        schedule=s.schedule,
        input_path=s.input_path,
        input_methods=s.input_methods,
        taken_names=taken,
    )
    problems += durable_object_problems(
        pattern=s.pattern,
        tenant=s.tenant,
        ws_path=s.ws_path,
        admin_path=s.admin_path,
        keep_warm=s.keep_warm,
        input_path=s.input_path,
        env_vars=s.env_vars,
        secret_env_names=s.secret_env_names,
        sleep_after=s.sleep_after,
    )
    return problems


def _is_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _bad_env_names(label: str, names: Iterable[str]) -> list[str]:
    bad = sorted(repr(name) for name in names if not (isinstance(name, str) and _ENV_NAME.match(name)))
    return [f"{label} has invalid environment variable names: {', '.join(bad)}"] if bad else []


def _unique_upper(methods: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for method in methods:
        seen.setdefault(method.upper(), None)
    return tuple(seen)
