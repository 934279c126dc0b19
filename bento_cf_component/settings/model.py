"""pydantic models that validate the plain settings and default what users leave out.

Values that may be Pulumi Outputs (account id, secrets, the access token) pass through as
Inputs; everything else is checked eagerly so a bad value fails before any resource exists.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictInt,
    model_validator,
)

from bento_cf_component.instance_types import INSTANCE_TYPES, InstanceType
from bento_cf_component.settings.fields import (
    HTTP_HEADER,
    Duration,
    EnvName,
    InputStr,
    StrictModel,
    duration_seconds,
    setting_error,
)
from bento_cf_component.settings.queue import QueueSettings, ScheduleSettings
from bento_cf_component.settings.tenant import TenantSettings
from bento_cf_component.worker.queue_runtime import QUEUE_BINDING
from bento_cf_component.worker.runtime_settings import RESERVED_BINDING_NAMES
from bento_cf_component.worker.tenant_runtime import ADMIN_TOKEN_BINDING, TENANTS_BINDING

# Every binding the Worker may carry; a secret (itself a binding) of the same name would clash.
WORKER_BINDINGS = RESERVED_BINDING_NAMES | {QUEUE_BINDING, ADMIN_TOKEN_BINDING, TENANTS_BINDING}

Pattern = Literal["request", "queue", "durable-object"]

# Newest Bento release when this was written (v1.20.0, 2026-07-27); pinned, never `latest`.
BENTO_VERSION = "1.20.0"
BENTO_IMAGE = "ghcr.io/warpstreamlabs/bento"


_ACCOUNT_ID = re.compile(r"^[0-9a-f]{32}$")
_WORKER_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
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


def _account_id(value: Any) -> Any:
    if isinstance(value, str) and not _ACCOUNT_ID.match(value):
        raise setting_error(
            "account_id",
            "must be the 32-character hex account id from the Cloudflare dashboard",
        )
    return value


class BentoSource(StrictModel):
    config: str | None = None
    inline: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> BentoSource:
        if (self.config is None) == (self.inline is None):
            raise setting_error(
                "bento_source",
                "give exactly one of bento.config (a file path) or bento.inline (a mapping)",
            )
        return self


class ImageSettings(StrictModel):
    bento_version: str = BENTO_VERSION
    base: str | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _check(self) -> ImageSettings:
        if not _SEMVER.match(self.bento_version):
            raise setting_error(
                "bento_version",
                f"bento_version {self.bento_version!r} is not a release version such as "
                f"{BENTO_VERSION}; mutable tags never redeploy",
                key="bento_version",
            )
        if self.ref is not None:
            check_prebuilt_ref(self.ref)
        if self.base is not None and not _PINNED_BASE.search(self.base):
            raise setting_error(
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
        raise setting_error(
            "image_ref",
            "image.ref must be pinned by digest (registry/repo@sha256:<64 hex>); "
            "a tag can change under you and never triggers a redeploy",
            key="ref",
        )
    host = match.group("repo").split("/", 1)[0]
    if not any(p.match(host) for p in _PULLABLE_HOSTS):
        raise setting_error(
            "image_host",
            f"Cloudflare Containers cannot pull from {host}; use registry.cloudflare.com, "
            "docker.io, Amazon ECR or Google Artifact Registry, or drop image.ref to let "
            "bento-cf build and push the image",
            key="ref",
        )


# Concurrent limits per account (cloudflare-containers.md §4.2, containers/platform/limits.mdx).
ACCOUNT_LIMITS = {"vcpu": Decimal(1500), "memory_gib": Decimal(6 * 1024), "disk_gb": Decimal(30_000)}
_LIMIT_UNITS = {"vcpu": "vCPU", "memory_gib": "GiB of memory", "disk_gb": "GB of disk"}


class ContainerSettings(StrictModel):
    instance_type: InstanceType = "lite"
    max_instances: StrictInt = Field(ge=1)
    sleep_after: Duration = "10m"
    env: dict[EnvName, str] = Field(default_factory=dict)
    secrets: dict[EnvName, InputStr] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names(self) -> ContainerSettings:
        both = sorted(set(self.env) & set(self.secrets))
        if both:
            raise setting_error(
                "env_clash", f"{', '.join(both)} is both in container.env and container.secrets", key="env"
            )
        resources = INSTANCE_TYPES[self.instance_type]
        for what, limit in ACCOUNT_LIMITS.items():
            total = getattr(resources, what) * self.max_instances
            if total > limit:
                raise setting_error(
                    "capacity",
                    f"{self.max_instances} {self.instance_type} instances would need {total.normalize():f} "
                    f"{_LIMIT_UNITS[what]} at full scale, over the account limit of {limit:f}; "
                    "lower max_instances or pick a smaller instance_type",
                    key="max_instances",
                )
        reserved = sorted(set(self.secrets) & WORKER_BINDINGS)
        if reserved:
            raise setting_error(
                "reserved", f"secret name {reserved[0]} is reserved by the Worker; rename it", key="secrets"
            )
        return self


class InstancesSettings(StrictModel):
    count: StrictInt = Field(default=1, ge=1)
    sticky_header: str | None = None

    @model_validator(mode="after")
    def _header(self) -> InstancesSettings:
        if self.sticky_header is not None and not HTTP_HEADER.match(self.sticky_header):
            raise setting_error(
                "header",
                "instances.sticky_header must be an HTTP header name, e.g. x-tenant-id",
                key="sticky_header",
            )
        return self


class CustomDomain(StrictModel):
    hostname: str
    zone_id: str | None = None
    zone_name: str | None = None

    @model_validator(mode="after")
    def _check(self) -> CustomDomain:
        if not _HOSTNAME.match(self.hostname):
            raise setting_error(
                "hostname",
                f"custom domain {self.hostname!r} must be a bare hostname such as bento.example.com "
                "(no scheme, port, path or wildcard; use routing.routes for patterns)",
                key="hostname",
            )
        if self.zone_id is None and self.zone_name is None:
            raise setting_error(
                "zone", f"custom domain {self.hostname} needs zone_name (e.g. example.com) or zone_id"
            )
        if self.zone_id is not None and not _ACCOUNT_ID.match(self.zone_id):
            raise setting_error("zone_id", "zone_id must be the 32-character hex zone id", key="zone_id")
        return self


class Route(StrictModel):
    pattern: str
    zone_id: str

    @model_validator(mode="after")
    def _check(self) -> Route:
        if "://" in self.pattern or " " in self.pattern or "/" not in self.pattern:
            raise setting_error(
                "route",
                f"route {self.pattern!r} must look like example.com/path* (host and path, no scheme)",
                key="pattern",
            )
        if not _ACCOUNT_ID.match(self.zone_id):
            raise setting_error("zone_id", "zone_id must be the 32-character hex zone id", key="zone_id")
        return self


class RoutingSettings(StrictModel):
    workers_dev: bool = True
    custom_domains: list[CustomDomain] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reachable(self) -> RoutingSettings:
        if not (self.workers_dev or self.custom_domains or self.routes):
            raise setting_error(
                "unreachable",
                "the Worker would have no address: enable routing.workers_dev "
                "or add custom_domains or routes",
            )
        return self


class AccessSettings(StrictModel):
    public: bool = False
    token: InputStr | None = None
    admin_token: InputStr | None = None
    """Bearer token for the per-tenant admin endpoint (durable-object pattern); unset = disabled."""

    @model_validator(mode="after")
    def _token(self) -> AccessSettings:
        if not self.public and self.token is None:
            raise setting_error(
                "token",
                "a bearer token is required: pulumi config set --secret bento-cf:access_token <token> "
                "(or set access.public: true to serve without one)",
                key="token",
            )
        if isinstance(self.token, str) and any(ch.isspace() for ch in self.token):
            raise setting_error(
                "token",
                "must not contain whitespace (clients send it as Authorization: Bearer <token>)",
                key="token",
            )
        if self.public and self.token is not None:
            raise setting_error(
                "token", "access.public is true but a token is set; remove one of them", key="token"
            )
        return self


class ComponentSettings(StrictModel):
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
            raise setting_error(
                "worker_name",
                f"worker_name {self.worker_name!r} must be 1-63 lowercase letters, digits and dashes",
                key="worker_name",
            )
        if self.instances.count > self.container.max_instances:
            raise setting_error(
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
                raise setting_error(
                    "section",
                    f"{section} settings are only used by pattern: {pattern} "
                    f"(this stack uses {self.pattern}); remove them or change the pattern",
                    key=section,
                )
        if self.pattern == "durable-object":
            if self.instances.count != 1 or self.instances.sticky_header is not None:
                raise setting_error(
                    "instances",
                    "instances is not used by pattern: durable-object (each tenant gets its own container)",
                    key="instances",
                )
            tenant = self.tenant or TenantSettings()
            if tenant.env_name in self.container.env or tenant.env_name in self.container.secrets:
                raise setting_error(
                    "tenant_env",
                    f"{tenant.env_name} is set by the Worker to the tenant id; remove it from container.env "
                    "and container.secrets, or pick another tenant.env_name",
                    key="tenant.env_name",
                )
            if tenant.keep_warm and duration_seconds(tenant.keep_warm.interval) >= duration_seconds(
                self.container.sleep_after
            ):
                raise setting_error(
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
