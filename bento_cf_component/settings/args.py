"""The component's public arguments.

TypedDicts (not classes) so the same shape works from Python, from stack config and from the
multi-language component host, which hands constructors a plain dict. Keys follow wrangler's
vocabulary for Cloudflare settings (``instance_type``, ``max_instances``, ``sleep_after``) and
are identical to the stack-config keys under the ``bento-cf`` namespace.

No ``from __future__ import annotations`` here: Pulumi's schema analyzer reads these
annotations as real types (``pulumi.provider.experimental``), and string annotations would
make it fail. ``Required[...]`` marks what validation requires anyway, so the generated schema
lists the same required inputs.
"""

from typing import Any, Required, TypedDict

import pulumi


class BentoArgs(TypedDict, total=False):
    config: str
    """Path of the Bento config file (relative to the project root), e.g. ``bento.yaml``."""
    inline: dict[str, Any]
    """The Bento config as a mapping, instead of a file."""


class ImageArgs(TypedDict, total=False):
    bento_version: str
    """Version tag of ``ghcr.io/warpstreamlabs/bento`` to build from (pinned default)."""
    base: str
    """Override the base image entirely, e.g. pinned by digest."""
    ref: str
    """A prebuilt image, pinned by digest (``repo@sha256:…``): no build, no push."""


class ContainerArgs(TypedDict, total=False):
    instance_type: str
    """``lite``, ``basic``, ``standard-1`` … ``standard-4``."""
    max_instances: Required[int]
    """Upper bound of running container instances (at least 1)."""
    sleep_after: str
    """Idle time before a container is stopped, e.g. ``10m``."""
    env: dict[str, str]
    """Plain environment variables for Bento."""
    secrets: dict[str, pulumi.Input[str]]
    """Secret environment variables for Bento (Worker secret bindings)."""


class InstancesArgs(TypedDict, total=False):
    count: int
    """How many container instances share the traffic (at most ``max_instances``)."""
    sticky_header: str
    """Route by a hash of this request header instead of at random."""


class CustomDomainArgs(TypedDict, total=False):
    hostname: Required[str]
    """A bare hostname, e.g. ``bento.example.com`` (no scheme, path or wildcard)."""
    zone_id: str
    zone_name: str


class RouteArgs(TypedDict, total=False):
    pattern: Required[str]
    """A Workers route pattern, e.g. ``example.com/ingest*``."""
    zone_id: Required[str]


class RoutingArgs(TypedDict, total=False):
    workers_dev: bool
    """Serve on ``<worker>.<subdomain>.workers.dev`` (default true)."""
    custom_domains: list[CustomDomainArgs]
    routes: list[RouteArgs]


class AccessArgs(TypedDict, total=False):
    public: bool
    """Serve without a bearer token. Off by default: a token is required."""
    token: pulumi.Input[str]
    """The bearer token clients must send (a secret)."""
    admin_token: pulumi.Input[str]
    """Bearer token for the per-tenant admin endpoint (durable-object pattern; a secret)."""


class QueueArgs(TypedDict, total=False):
    """Queue pattern: consumer settings use wrangler's names."""

    name: str
    """The main queue; default ``<worker>-queue``."""
    create: bool
    """False: use an existing queue called ``name``."""
    dead_letter_queue: str
    """Default ``<worker>-dlq``."""
    create_dead_letter_queue: bool
    max_batch_size: int
    """1-100 (default 10)."""
    max_batch_timeout: int
    """Seconds, at most 60 (default 5)."""
    max_retries: int
    """At most 100 (default 3)."""
    retry_delay: int
    """Seconds before a failed batch is retried (default 0)."""
    max_concurrency: int
    """1-250; unset scales to the platform maximum."""
    ingest_path: str
    """Where producers POST messages on the Worker (default ``/ingest``)."""


class ScheduleArgs(TypedDict, total=False):
    cron: Required[str]
    """A 5-field cron expression (UTC)."""
    path: str
    """Bento path to POST to on each tick; default the http_server path."""


class KeepWarmArgs(TypedDict, total=False):
    tenants: Required[list[str]]
    interval: str
    """How often to ping each listed tenant's container (shorter than sleep_after)."""


class TenantArgs(TypedDict, total=False):
    """Durable-object pattern: where the tenant key comes from and which keys are allowed."""

    source: str
    """``path`` (default), ``header`` or ``hostname``."""
    path_prefix: str
    """With source path: ``/t/<tenant>/…`` (default ``/t``)."""
    header: str
    """With source header (default ``x-tenant-id``)."""
    hostname_label: int
    """With source hostname: which label, 0 = leftmost."""
    pattern: str
    """Allowed tenant keys, an anchored regular expression."""
    allow_list: list[str]
    env_name: str
    """Env var carrying the tenant id into its container (default ``TENANT_ID``)."""
    keep_warm: KeepWarmArgs


class BentoCloudflareArgs(TypedDict, total=False):
    account_id: Required[pulumi.Input[str]]
    """The Cloudflare account id."""
    pattern: str
    """``request`` (default), ``queue`` or ``durable-object``."""
    worker_name: str
    """Worker script name; default ``<project>-<stack>``."""
    bento: Required[BentoArgs]
    image: ImageArgs
    container: Required[ContainerArgs]
    instances: InstancesArgs
    routing: RoutingArgs
    access: AccessArgs
    queue: QueueArgs
    schedule: ScheduleArgs
    tenant: TenantArgs
