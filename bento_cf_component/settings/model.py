"""pydantic models that validate the plain settings and default what users leave out.

Values that may be Pulumi Outputs (account id, secrets, the access token) pass through as
Inputs; everything else is checked eagerly so a bad value fails before any resource exists.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

import pulumi
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bento_cf_component.instance_types import INSTANCE_TYPES, InstanceType
from bento_cf_component.worker.queue_runtime import QUEUE_BINDING
from bento_cf_component.worker.runtime_settings import RESERVED_BINDING_NAMES
from bento_cf_component.worker.tenant_runtime import ADMIN_TOKEN_BINDING, MAX_HOSTNAME_LABEL, TENANTS_BINDING

# Every binding the Worker may carry; a secret (itself a binding) of the same name would clash.
WORKER_BINDINGS = RESERVED_BINDING_NAMES | {QUEUE_BINDING, ADMIN_TOKEN_BINDING, TENANTS_BINDING}

Pattern = Literal["request", "queue", "durable-object"]

# Newest Bento release when this was written (v1.20.0, 2026-07-27); pinned, never `latest`.
BENTO_VERSION = "1.20.0"
BENTO_IMAGE = "ghcr.io/warpstreamlabs/bento"


_ACCOUNT_ID = re.compile(r"^[0-9a-f]{32}$")
_WORKER_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The forms @cloudflare/containers accepts for sleepAfter.
_DURATION = re.compile(r"^\d+[smh]$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_HEADER = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
_PINNED_BASE = re.compile(r"@sha256:[0-9a-f]{64}$|:v?\d+\.\d+\.\d+[\w.-]*$")
_DIGEST_REF = re.compile(r"^(?P<repo>[a-z0-9.-]+(?::\d+)?/[a-z0-9._/-]+)@sha256:[0-9a-f]{64}$")
# Registries Cloudflare Containers pull from (cloudflare-containers.md §2.4).
_PULLABLE_HOSTS = (
    re.compile(r"^registry\.cloudflare\.com$"),
    re.compile(r"^docker\.io$"),
    re.compile(r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$"),
    re.compile(r"^[a-z0-9-]+-docker\.pkg\.dev$"),
)


def _error(code: str, message: str, key: str | None = None) -> PydanticCustomError:
    """A validation error; ``key`` names the offending field below the validator's location."""
    return PydanticCustomError(code, message, {"key": key} if key else None)


def _input_str(value: Any) -> Any:
    """A string or a Pulumi Output of one; Outputs are checked by the engine, not here."""
    if isinstance(value, pulumi.Output):
        return value
    if not isinstance(value, str) or not value:
        raise _error("input_str", "must be a non-empty string or a Pulumi Output")
    return value


InputStr = Annotated[Any, BeforeValidator(_input_str)]


def _account_id(value: Any) -> Any:
    if isinstance(value, str) and not _ACCOUNT_ID.match(value):
        raise _error(
            "account_id",
            "must be the 32-character hex account id from the Cloudflare dashboard",
        )
    return value


def _duration(value: str) -> str:
    if not _DURATION.match(value):
        raise _error("duration", "must be a duration such as 30s, 10m or 1h")
    return value


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise _error("env_name", "must be a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class BentoSource(_Strict):
    config: str | None = None
    inline: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> BentoSource:
        if (self.config is None) == (self.inline is None):
            raise _error(
                "bento_source",
                "give exactly one of bento.config (a file path) or bento.inline (a mapping)",
            )
        return self


class ImageSettings(_Strict):
    bento_version: str = BENTO_VERSION
    base: str | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _check(self) -> ImageSettings:
        if not _SEMVER.match(self.bento_version):
            raise _error(
                "bento_version",
                f"bento_version {self.bento_version!r} is not a release version such as "
                f"{BENTO_VERSION}; mutable tags never redeploy",
                key="bento_version",
            )
        if self.ref is not None:
            check_prebuilt_ref(self.ref)
        if self.base is not None and not _PINNED_BASE.search(self.base):
            raise _error(
                "base",
                f"image.base {self.base!r} must be pinned: a release tag (…:1.20.0) or a digest "
                "(…@sha256:…); latest and edge move under you",
                key="base",
            )
        return self

    @property
    def base_image(self) -> str:
        return self.base or f"{BENTO_IMAGE}:{self.bento_version}"


def check_prebuilt_ref(ref: str) -> None:
    match = _DIGEST_REF.match(ref)
    if not match:
        raise _error(
            "image_ref",
            "image.ref must be pinned by digest (registry/repo@sha256:<64 hex>); "
            "a tag can change under you and never triggers a redeploy",
            key="ref",
        )
    host = match.group("repo").split("/", 1)[0]
    if not any(p.match(host) for p in _PULLABLE_HOSTS):
        raise _error(
            "image_host",
            f"Cloudflare Containers cannot pull from {host}; use registry.cloudflare.com, "
            "docker.io, Amazon ECR or Google Artifact Registry, or drop image.ref to let "
            "bento-cf build and push the image",
            key="ref",
        )


# Concurrent limits per account (cloudflare-containers.md §4.2, containers/platform/limits.mdx).
ACCOUNT_LIMITS = {"vcpu": Decimal(1500), "memory_gib": Decimal(6 * 1024), "disk_gb": Decimal(30_000)}
_LIMIT_UNITS = {"vcpu": "vCPU", "memory_gib": "GiB of memory", "disk_gb": "GB of disk"}


class ContainerSettings(_Strict):
    instance_type: InstanceType = "lite"
    max_instances: StrictInt = Field(ge=1)
    sleep_after: Annotated[str, AfterValidator(_duration)] = "10m"
    env: dict[EnvName, str] = Field(default_factory=dict)
    secrets: dict[EnvName, InputStr] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names(self) -> ContainerSettings:
        both = sorted(set(self.env) & set(self.secrets))
        if both:
            raise _error(
                "env_clash", f"{', '.join(both)} is both in container.env and container.secrets", key="env"
            )
        resources = INSTANCE_TYPES[self.instance_type]
        for what, limit in ACCOUNT_LIMITS.items():
            total = getattr(resources, what) * self.max_instances
            if total > limit:
                raise _error(
                    "capacity",
                    f"{self.max_instances} {self.instance_type} instances would need {total.normalize():f} "
                    f"{_LIMIT_UNITS[what]} at full scale, over the account limit of {limit:f}; "
                    "lower max_instances or pick a smaller instance_type",
                    key="max_instances",
                )
        reserved = sorted(set(self.secrets) & WORKER_BINDINGS)
        if reserved:
            raise _error(
                "reserved", f"secret name {reserved[0]} is reserved by the Worker; rename it", key="secrets"
            )
        return self


class InstancesSettings(_Strict):
    count: StrictInt = Field(default=1, ge=1)
    sticky_header: str | None = None

    @model_validator(mode="after")
    def _header(self) -> InstancesSettings:
        if self.sticky_header is not None and not _HEADER.match(self.sticky_header):
            raise _error(
                "header",
                "instances.sticky_header must be an HTTP header name, e.g. x-tenant-id",
                key="sticky_header",
            )
        return self


class CustomDomain(_Strict):
    hostname: str
    zone_id: str | None = None
    zone_name: str | None = None

    @model_validator(mode="after")
    def _check(self) -> CustomDomain:
        if not _HOSTNAME.match(self.hostname):
            raise _error(
                "hostname",
                f"custom domain {self.hostname!r} must be a bare hostname such as bento.example.com "
                "(no scheme, port, path or wildcard; use routing.routes for patterns)",
                key="hostname",
            )
        if self.zone_id is None and self.zone_name is None:
            raise _error(
                "zone", f"custom domain {self.hostname} needs zone_name (e.g. example.com) or zone_id"
            )
        if self.zone_id is not None and not _ACCOUNT_ID.match(self.zone_id):
            raise _error("zone_id", "zone_id must be the 32-character hex zone id", key="zone_id")
        return self


class Route(_Strict):
    pattern: str
    zone_id: str

    @model_validator(mode="after")
    def _check(self) -> Route:
        if "://" in self.pattern or " " in self.pattern or "/" not in self.pattern:
            raise _error(
                "route",
                f"route {self.pattern!r} must look like example.com/path* (host and path, no scheme)",
                key="pattern",
            )
        if not _ACCOUNT_ID.match(self.zone_id):
            raise _error("zone_id", "zone_id must be the 32-character hex zone id", key="zone_id")
        return self


class RoutingSettings(_Strict):
    workers_dev: bool = True
    custom_domains: list[CustomDomain] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reachable(self) -> RoutingSettings:
        if not (self.workers_dev or self.custom_domains or self.routes):
            raise _error(
                "unreachable",
                "the Worker would have no address: enable routing.workers_dev "
                "or add custom_domains or routes",
            )
        return self


class AccessSettings(_Strict):
    public: bool = False
    token: InputStr | None = None
    admin_token: InputStr | None = None
    """Bearer token for the per-tenant admin endpoint (durable-object pattern); unset = disabled."""

    @model_validator(mode="after")
    def _token(self) -> AccessSettings:
        if not self.public and self.token is None:
            raise _error(
                "token",
                "a bearer token is required: pulumi config set --secret bento-cf:access_token <token> "
                "(or set access.public: true to serve without one)",
                key="token",
            )
        if isinstance(self.token, str) and any(ch.isspace() for ch in self.token):
            raise _error(
                "token",
                "must not contain whitespace (clients send it as Authorization: Bearer <token>)",
                key="token",
            )
        if self.public and self.token is not None:
            raise _error("token", "access.public is true but a token is set; remove one of them", key="token")
        return self


_QUEUE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-?LW#]+$")
_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@/{}-]*$")


def _path(value: str) -> str:
    if not _PATH.match(value):
        raise _error("path", f"{value!r} must be a URL path starting with /")
    return value


UrlPath = Annotated[str, AfterValidator(_path)]


def _queue_name(value: str) -> str:
    if not _QUEUE_NAME.match(value):
        raise _error("queue_name", f"queue name {value!r} must be 1-63 lowercase letters, digits and dashes")
    return value


QueueName = Annotated[str, AfterValidator(_queue_name)]


class QueueSettings(_Strict):
    """Consumer settings use wrangler's names and Cloudflare's documented limits."""

    name: QueueName | None = None
    """The main queue; default ``<worker>-queue``."""
    create: bool = True
    """False: reference an existing queue by ``name`` instead of creating it."""
    dead_letter_queue: QueueName | None = None
    """Default ``<worker>-dlq``."""
    create_dead_letter_queue: bool = True
    max_batch_size: StrictInt = Field(default=10, ge=1, le=100)
    max_batch_timeout: StrictInt = Field(default=5, ge=0, le=60)
    """Seconds to wait for a full batch."""
    max_retries: StrictInt = Field(default=3, ge=0, le=100)
    retry_delay: StrictInt = Field(default=0, ge=0, le=43_200)
    """Seconds before a failed batch is retried (at most 12 h)."""
    max_concurrency: StrictInt | None = Field(default=None, ge=1, le=250)
    """Unset: scale to the platform maximum."""
    ingest_path: UrlPath = "/ingest"

    @model_validator(mode="after")
    def _existing_needs_name(self) -> QueueSettings:
        if not self.create and self.name is None:
            raise _error(
                "queue_existing", "queue.create is false: give the existing queue's name", key="name"
            )
        if not self.create_dead_letter_queue and self.dead_letter_queue is None:
            raise _error(
                "dlq_existing",
                "queue.create_dead_letter_queue is false: give the existing dead-letter queue's name",
                key="dead_letter_queue",
            )
        if self.name is not None and self.name == self.dead_letter_queue:
            raise _error(
                "dlq_same", "the dead-letter queue must differ from the main queue", key="dead_letter_queue"
            )
        return self


class ScheduleSettings(_Strict):
    cron: str
    """A 5-field cron expression (UTC), e.g. ``*/15 * * * *``."""
    path: UrlPath | None = None
    """Bento path to POST to; default the http_server input path."""

    @model_validator(mode="after")
    def _cron(self) -> ScheduleSettings:
        fields = self.cron.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
            raise _error(
                "cron", f"{self.cron!r} must be a 5-field cron expression such as '*/15 * * * *'", key="cron"
            )
        return self


# Constructs Python's re accepts but JavaScript's RegExp refuses or reads differently.
_PYTHON_ONLY_REGEX = re.compile(r"\(\?P[<=]|\(\?[aiLmsux-]+[:)]|\(\?#|\\[AZ]")
_DEFAULT_TENANT_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"


class KeepWarmSettings(_Strict):
    tenants: list[str] = Field(min_length=1)
    interval: Annotated[str, AfterValidator(_duration)] = "4m"


class TenantSettings(_Strict):
    source: Literal["path", "header", "hostname"] = "path"
    path_prefix: UrlPath = "/t"
    header: str = "x-tenant-id"
    hostname_label: StrictInt = Field(default=0, ge=0, le=MAX_HOSTNAME_LABEL)
    pattern: str = _DEFAULT_TENANT_PATTERN
    """Allowed tenant keys (a regular expression over ASCII; anchored)."""
    allow_list: list[str] | None = None
    env_name: EnvName = "TENANT_ID"
    keep_warm: KeepWarmSettings | None = None

    @model_validator(mode="after")
    def _check(self) -> TenantSettings:
        if not _HEADER.match(self.header):
            raise _error(
                "header", "tenant.header must be an HTTP header name, e.g. x-tenant-id", key="header"
            )
        if not (self.pattern.startswith("^") and self.pattern.endswith("$")):
            raise _error("pattern", "tenant.pattern must be anchored with ^ and $", key="pattern")
        if _PYTHON_ONLY_REGEX.search(self.pattern):
            raise _error(
                "pattern",
                "tenant.pattern uses Python-only syntax; the Worker runs it as a JavaScript RegExp, so use "
                "their common subset (no (?P<name>…), inline flags such as (?i), \\A or \\Z)",
                key="pattern",
            )
        try:
            compiled = re.compile(self.pattern)
        except re.error as exc:
            raise _error(
                "pattern", f"tenant.pattern is not a regular expression ({exc})", key="pattern"
            ) from None
        for label, tenants in (("allow_list", self.allow_list or []), ("keep_warm", self._warm())):
            bad = [t for t in tenants if not (t.isascii() and compiled.match(t))]
            if bad:
                raise _error("tenant", f"tenant {bad[0]!r} does not match tenant.pattern", key=label)
        if self.allow_list is not None:
            outside = [t for t in self._warm() if t not in self.allow_list]
            if outside:
                raise _error(
                    "keep_warm",
                    f"keep-warm tenant {outside[0]!r} is not in tenant.allow_list",
                    key="keep_warm",
                )
        return self

    def _warm(self) -> list[str]:
        return self.keep_warm.tenants if self.keep_warm else []


def duration_seconds(duration: str) -> int:
    """Seconds in a duration such as ``30s``, ``10m`` or ``1h`` (validated by ``_duration``)."""
    return int(duration[:-1]) * {"s": 1, "m": 60, "h": 3600}[duration[-1]]


class ComponentSettings(_Strict):
    account_id: Annotated[InputStr, AfterValidator(_account_id)]
    pattern: Pattern = "request"
    worker_name: str
    bento: BentoSource
    image: ImageSettings = Field(default_factory=ImageSettings)
    container: ContainerSettings
    instances: InstancesSettings = Field(default_factory=InstancesSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    queue: QueueSettings | None = None
    schedule: ScheduleSettings | None = None
    tenant: TenantSettings | None = None

    @model_validator(mode="after")
    def _check(self) -> ComponentSettings:
        self._check_pattern_sections()
        if not _WORKER_NAME.match(self.worker_name):
            raise _error(
                "worker_name",
                f"worker_name {self.worker_name!r} must be 1-63 lowercase letters, digits and dashes",
                key="worker_name",
            )
        if self.instances.count > self.container.max_instances:
            raise _error(
                "instances",
                f"instances.count ({self.instances.count}) exceeds container.max_instances "
                f"({self.container.max_instances}); requests to the extra instances would get 503",
                key="instances.count",
            )
        return self

    def _check_pattern_sections(self) -> None:
        owners = {"queue": "queue", "schedule": "queue", "tenant": "durable-object"}
        for section, pattern in owners.items():
            if getattr(self, section) is not None and self.pattern != pattern:
                raise _error(
                    "section",
                    f"{section} settings are only used by pattern: {pattern} "
                    f"(this stack uses {self.pattern}); remove them or change the pattern",
                    key=section,
                )
        if self.pattern == "durable-object":
            if self.instances.count != 1 or self.instances.sticky_header is not None:
                raise _error(
                    "instances",
                    "instances is not used by pattern: durable-object (each tenant gets its own container)",
                    key="instances",
                )
            tenant = self.tenant or TenantSettings()
            if tenant.env_name in self.container.env or tenant.env_name in self.container.secrets:
                raise _error(
                    "tenant_env",
                    f"{tenant.env_name} is set by the Worker to the tenant id; remove it from container.env "
                    "and container.secrets, or pick another tenant.env_name",
                    key="tenant.env_name",
                )
            if tenant.keep_warm and duration_seconds(tenant.keep_warm.interval) >= duration_seconds(
                self.container.sleep_after
            ):
                raise _error(
                    "keep_warm",
                    f"tenant.keep_warm.interval ({tenant.keep_warm.interval}) must be shorter than "
                    f"container.sleep_after ({self.container.sleep_after}) or the containers sleep anyway",
                    key="tenant.keep_warm.interval",
                )

    @property
    def queue_settings(self) -> QueueSettings:
        return self.queue or QueueSettings()

    @property
    def tenant_settings(self) -> TenantSettings:
        return self.tenant or TenantSettings()

    @property
    def queue_name(self) -> str:
        return self.queue_settings.name or f"{self.worker_name}-queue"

    @property
    def dead_letter_queue_name(self) -> str:
        return self.queue_settings.dead_letter_queue or f"{self.worker_name}-dlq"

    @property
    def application_name(self) -> str:
        # wrangler names a container application `<worker>-<class>` in lower case.
        return f"{self.worker_name}-bentocontainer"
