"""``ContainerApplication``: the Cloudflare Containers application bound to our Durable Object class.

One namespace has at most one application, so this resource converges on *the* application of
its namespace instead of blindly creating one:

create  1. refuse an empty namespace id (no API call);
        2. list applications; one already bound to our namespace (state lost, an interrupted run,
           a wrangler deploy) is adopted and brought to the desired configuration; one of our name
           bound to another namespace is a conflict, reported with its fix (never a second app);
        3. otherwise ``applications.create`` (as wrangler does: ``scheduling_policy: "default"``,
           ``instances: 0``, ``max_instances``, ``durable_objects: {namespace_id}``, ``constraints``);
           if Cloudflare answers ``DURABLE_OBJECT_ALREADY_HAS_APPLICATION`` (a race), adopt instead.
update  only when an effective input changed (image, instance type, max instances, logs, env):
        ``applications.edit`` for ``max_instances``, then ``rollouts.create`` (strategy rolling) when
        the instances' configuration changed — compared with the live application, so a re-run
        after an interrupted update sends only what is still missing.
delete  ``applications.delete``; a 404 counts as gone.

A name or namespace change replaces the application, deleting the old one first (the namespace
can hold only one application; creating first would just adopt the old one).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import cloudflare
import pulumi
from cloudflare import Cloudflare, NotFoundError
from cloudflare.types.containers.application_create_params import (
    CcContainersCreateScheduledApplicationRequestConfiguration,
    CcContainersCreateScheduledApplicationRequestConstraints,
)
from cloudflare.types.containers.applications.rollout_create_params import TargetConfiguration
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from bento_cf_component.cloudflare.client import make_client
from bento_cf_component.cloudflare.errors import (
    CONTAINERS_WRITE,
    CloudflareDeployError,
    cloudflare_errors,
    has_error,
    json_message_field,
)
from bento_cf_component.cloudflare.props import (
    as_bool,
    as_int,
    as_str,
    as_str_dict,
    changed_keys,
    is_unknown,
)
from bento_cf_component.instance_types import INSTANCE_TYPE_NAMES, InstanceType

StepPercentage = Literal[5, 10, 20, 25, 50, 100]
RolloutKind = Literal["full_auto", "full_manual"]
STEP_PERCENTAGES: tuple[StepPercentage, ...] = (5, 10, 20, 25, 50, 100)
ROLLOUT_KINDS: tuple[RolloutKind, ...] = ("full_auto", "full_manual")

ALREADY_HAS_APPLICATION = "DURABLE_OBJECT_ALREADY_HAS_APPLICATION"
NOT_CONTAINER_ENABLED = "DURABLE_OBJECT_NOT_CONTAINER_ENABLED"
ADOPT_POLL_ATTEMPTS = 5
ADOPT_POLL_DELAY_SECONDS = 1.0
"""After DURABLE_OBJECT_ALREADY_HAS_APPLICATION, how long to wait for the holder to show in the list."""
DEFAULT_TIERS = [1, 2]
"""wrangler's default placement tiers (cloudflare-containers.md §1.5)."""

_DIGEST_REF = re.compile(r"^[^\s@]+@sha256:[0-9a-f]{64}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

INPUT_KEYS = (
    "account_id",
    "name",
    "namespace_id",
    "script_name",
    "image",
    "instance_type",
    "max_instances",
    "observability_logs",
    "environment_variables",
    "rollout_step_percentage",
    "rollout_kind",
)
REPLACE_KEYS = ("account_id", "name", "namespace_id", "script_name")
EFFECTIVE_KEYS = ("image", "instance_type", "max_instances", "observability_logs", "environment_variables")
"""Inputs that change the application; the rollout settings only shape the next rollout."""
DEFAULTS: dict[str, Any] = {
    "instance_type": "lite",
    "observability_logs": True,
    "environment_variables": {},
    "rollout_step_percentage": 100,
    "rollout_kind": "full_auto",
}


class PlacementConstraints(CcContainersCreateScheduledApplicationRequestConstraints, total=False):
    """The SDK's constraints plus ``tiers``, which wrangler sends (default ``[1, 2]``) and SDK 5.9 omits."""

    tiers: list[int]


@dataclass(frozen=True)
class Desired:
    """The application this resource's inputs ask for."""

    account_id: str
    name: str
    namespace_id: str
    image: str
    instance_type: InstanceType
    max_instances: int
    observability_logs: bool
    environment_variables: tuple[tuple[str, str], ...]
    rollout_step_percentage: StepPercentage
    rollout_kind: RolloutKind

    @staticmethod
    def from_props(props: Mapping[str, Any]) -> Desired:
        namespace_id = props.get("namespace_id")
        name = as_str(props, "name")
        if not isinstance(namespace_id, str) or not namespace_id.strip() or is_unknown(namespace_id):
            raise CloudflareDeployError(
                f"container application '{name}' needs the Durable Object namespace id of the Worker's "
                "container class, and it is empty; the Worker upload must succeed (and return the id) "
                "before the application is created"
            )
        return Desired(
            account_id=as_str(props, "account_id"),
            name=name,
            namespace_id=namespace_id,
            image=as_str(props, "image"),
            instance_type=_pick(INSTANCE_TYPE_NAMES, props.get("instance_type", "lite"), "instance_type"),
            max_instances=as_int(props, "max_instances", 0),
            observability_logs=as_bool(props, "observability_logs", True),
            environment_variables=tuple(sorted(as_str_dict(props, "environment_variables").items())),
            rollout_step_percentage=_pick(
                STEP_PERCENTAGES, as_int(props, "rollout_step_percentage", 100), "rollout_step_percentage"
            ),
            rollout_kind=_pick(ROLLOUT_KINDS, props.get("rollout_kind", "full_auto"), "rollout_kind"),
        )

    def configuration(self) -> CcContainersCreateScheduledApplicationRequestConfiguration:
        config: CcContainersCreateScheduledApplicationRequestConfiguration = {
            "image": self.image,
            "instance_type": self.instance_type,
            "observability": {"logs": {"enabled": self.observability_logs}},
        }
        if self.environment_variables:
            config["environment_variables"] = [{"name": k, "value": v} for k, v in self.environment_variables]
        return config

    def target_configuration(self) -> TargetConfiguration:
        target: TargetConfiguration = {
            "image": self.image,
            "instance_type": self.instance_type,
            "observability": {"logs": {"enabled": self.observability_logs}},
        }
        if self.environment_variables:
            target["environment_variables"] = [{"name": k, "value": v} for k, v in self.environment_variables]
        return target


@dataclass(frozen=True)
class Live:
    """The parts of a live application this resource manages."""

    id: str
    name: str
    namespace_id: str | None
    image: str | None
    instance_type: str | None
    max_instances: int | None
    observability_logs: bool
    environment_variables: tuple[tuple[str, str], ...]

    @staticmethod
    def of(app: object) -> Live:
        config = _field(app, "configuration")
        logs = _field(_field(config, "observability"), "logs")
        env = _field(config, "environment_variables") or []
        max_instances = _field(app, "max_instances")
        return Live(
            id=str(_field(app, "id") or ""),
            name=str(_field(app, "name") or ""),
            namespace_id=_field(_field(app, "durable_objects"), "namespace_id"),
            image=_field(config, "image"),
            instance_type=_field(config, "instance_type"),
            max_instances=int(max_instances) if isinstance(max_instances, int | float) else None,
            observability_logs=bool(_field(logs, "enabled")),
            environment_variables=tuple(
                sorted((str(_field(e, "name")), str(_field(e, "value"))) for e in env)
            ),
        )

    def configuration_differs(self, desired: Desired) -> bool:
        return (
            self.image != desired.image
            or self.instance_type != desired.instance_type
            or self.observability_logs != desired.observability_logs
            or self.environment_variables != desired.environment_variables
        )


def _field(obj: object, name: str) -> Any:
    """An attribute of an SDK model (or a key of a plain dict), ``None`` when absent."""
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


_T = TypeVar("_T")


def _pick(allowed: tuple[_T, ...], value: object, key: str) -> _T:
    for option in allowed:
        if option == value:
            return option
    raise CloudflareDeployError(f"input '{key}' is {value!r}; use one of {', '.join(map(str, allowed))}")


def find_application(client: Cloudflare, account_id: str, namespace_id: str) -> Live | None:
    """The application bound to this namespace, if any (there can be only one)."""
    return _find(client, account_id, namespace_id, name=None)[0]


def _find(
    client: Cloudflare, account_id: str, namespace_id: str, *, name: str | None
) -> tuple[Live | None, Live | None]:
    """(the application bound to our namespace, an application of that name bound elsewhere)."""
    bound: Live | None = None
    same_name: Live | None = None
    with cloudflare_errors("listing container applications", permission=CONTAINERS_WRITE):
        for app in client.containers.applications.list(account_id=account_id):
            live = Live.of(app)
            if live.namespace_id == namespace_id:
                bound = bound or live
            elif name is not None and live.name == name:
                same_name = same_name or live
    return bound, same_name


def get_application(client: Cloudflare, account_id: str, application_id: str) -> Live | None:
    """The live application, or ``None`` when it no longer exists."""
    with cloudflare_errors(f"reading container application {application_id}", permission=CONTAINERS_WRITE):
        try:
            return Live.of(client.containers.applications.get(application_id, account_id=account_id))
        except cloudflare.NotFoundError:
            return None


def converge(client: Cloudflare, live: Live, desired: Desired) -> str | None:
    """Bring an existing application to ``desired``; return the id of the rollout started, if any."""
    if live.max_instances != desired.max_instances:
        with cloudflare_errors(f"updating container application '{live.name}'", permission=CONTAINERS_WRITE):
            client.containers.applications.edit(
                live.id, account_id=desired.account_id, max_instances=desired.max_instances
            )
    if not live.configuration_differs(desired):
        return None
    with cloudflare_errors(
        f"starting a rollout of container application '{live.name}'", permission=CONTAINERS_WRITE
    ):
        rollout = client.containers.applications.rollouts.create(
            live.id,
            account_id=desired.account_id,
            description="Progressive update",
            strategy="rolling",
            kind=desired.rollout_kind,
            step_percentage=desired.rollout_step_percentage,
            target_configuration=desired.target_configuration(),
        )
    return rollout.id


def create_or_adopt(client: Cloudflare, desired: Desired) -> tuple[str, str | None]:
    """(application id, rollout id) after making sure exactly one application serves the namespace."""
    existing, same_name = _find(client, desired.account_id, desired.namespace_id, name=desired.name)
    if existing is None and same_name is not None:
        # Adopting it is impossible (the namespace link cannot be changed) and a second application of
        # the same name would make every later lookup by name ambiguous; wrangler refuses this too.
        raise CloudflareDeployError(
            f"container application '{desired.name}' already exists ({same_name.id}) but serves Durable "
            f"Object namespace {same_name.namespace_id}, not this Worker's {desired.namespace_id}; delete "
            f"it (wrangler containers delete {same_name.id}) or give this application another name, "
            "then re-run"
        )
    if existing is None:
        created_id, conflicting_id = _create(client, desired)
        if created_id is not None:
            return created_id, None  # a new application starts on its configuration: no rollout
        existing = _wait_for_conflicting(client, desired, conflicting_id)
    return existing.id, converge(client, existing, desired)


def _wait_for_conflicting(client: Cloudflare, desired: Desired, conflicting_id: str | None) -> Live:
    """The application Cloudflare says already holds the namespace; the list can lag behind."""
    for attempt in range(ADOPT_POLL_ATTEMPTS):
        existing = find_application(client, desired.account_id, desired.namespace_id)
        if existing is None and conflicting_id:
            existing = get_application(client, desired.account_id, conflicting_id)
        if existing is not None:
            return existing
        if attempt + 1 < ADOPT_POLL_ATTEMPTS:
            time.sleep(ADOPT_POLL_DELAY_SECONDS)
    raise CloudflareDeployError(
        f"creating container application '{desired.name}' failed: Cloudflare says namespace "
        f"{desired.namespace_id} already has an application, but it is not visible yet; "
        "re-run in a minute to adopt it"
    )


def _create(client: Cloudflare, desired: Desired) -> tuple[str | None, str | None]:
    """(new application id, None), or (None, id if Cloudflare named it) when the namespace already has one."""
    action = f"creating container application '{desired.name}'"
    constraints: PlacementConstraints = {"tiers": DEFAULT_TIERS}
    with cloudflare_errors(action, permission=CONTAINERS_WRITE):
        try:
            created = client.containers.applications.create(
                account_id=desired.account_id,
                name=desired.name,
                scheduling_policy="default",
                instances=0,
                max_instances=desired.max_instances,
                configuration=desired.configuration(),
                constraints=constraints,
                durable_objects={"namespace_id": desired.namespace_id},
            )
        except cloudflare.APIStatusError as exc:
            if has_error(exc, code=1608, text=ALREADY_HAS_APPLICATION):
                return None, json_message_field(exc, "details", "id")
            if has_error(exc, code=1607, text=NOT_CONTAINER_ENABLED):
                raise CloudflareDeployError(
                    f"{action} failed: the Durable Object class of namespace {desired.namespace_id} is not "
                    "container-enabled (DURABLE_OBJECT_NOT_CONTAINER_ENABLED); the Worker upload must carry "
                    "containers: [{class_name}] for that class: re-run so WorkerScript uploads it again"
                ) from None
            raise
    return str(_field(created, "id")), None


class ContainerApplicationProvider(ResourceProvider):
    """CRUD for the container application through the official SDK. Holds no state: it is pickled."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {**DEFAULTS, **{k: v for k, v in news.items() if v is not None}}
        return CheckResult(inputs, [CheckFailure(key, reason) for key, reason in _validate(inputs)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = changed_keys(olds, news, INPUT_KEYS)
        replaces = [key for key in changes if key in REPLACE_KEYS and not _namespace_kept(key, olds, news)]
        return DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=bool(replaces))

    def create(self, props: dict[str, Any]) -> CreateResult:
        desired = Desired.from_props(props)  # refuses an empty namespace id before any call
        application_id, rollout_id = create_or_adopt(make_client(), desired)
        return CreateResult(id_=application_id, outs=_outs(props, application_id, rollout_id or ""))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if str(olds.get("namespace_id") or "") != str(news.get("namespace_id") or ""):
            raise CloudflareDeployError(
                "the Worker's Durable Object namespace changed under the container application "
                f"(was {olds.get('namespace_id')}, now {news.get('namespace_id')}); an application cannot "
                "move between namespaces: run `pulumi up --replace <the ContainerApplication URN>`"
            )
        application_id = str(olds.get("application_id") or id_)
        last_rollout_id = str(olds.get("last_rollout_id") or "")
        if not changed_keys(olds, news, EFFECTIVE_KEYS):
            return UpdateResult(outs=_outs(news, application_id, last_rollout_id))  # nothing to send
        desired = Desired.from_props(news)
        client = make_client()
        live = get_application(client, desired.account_id, application_id)
        if live is None:  # deleted outside Pulumi: converge on the namespace again
            application_id, rollout_id = create_or_adopt(client, desired)
        else:
            rollout_id = converge(client, live, desired)
        return UpdateResult(outs=_outs(news, application_id, rollout_id or last_rollout_id))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        live = get_application(make_client(), as_str(props, "account_id"), id_)
        if live is None:
            return ReadResult(id_="", outs={})
        outs = dict(props)
        outs.update(
            name=live.name,
            image=live.image,
            instance_type=live.instance_type,
            max_instances=live.max_instances,
            observability_logs=live.observability_logs,
            environment_variables=dict(live.environment_variables),
        )
        if live.namespace_id:
            outs["namespace_id"] = live.namespace_id
        return ReadResult(id_=id_, outs=outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        account_id = as_str(props, "account_id")
        application_id = str(props.get("application_id") or id_)
        client = make_client()
        action = f"deleting container application {application_id}"
        # 404: already gone.
        with cloudflare_errors(action, permission=CONTAINERS_WRITE), contextlib.suppress(NotFoundError):
            client.containers.applications.delete(application_id, account_id=account_id)


def _outs(props: Mapping[str, Any], application_id: str, rollout_id: str) -> dict[str, Any]:
    return {
        **{key: props.get(key) for key in INPUT_KEYS},
        "application_id": application_id,
        "last_rollout_id": rollout_id,
    }


def _validate(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(property, reason) for every invalid known input; unknown (preview) values pass."""
    problems: list[tuple[str, str]] = []

    def known(key: str) -> bool:
        return not is_unknown(inputs.get(key))

    for key in ("account_id", "name"):
        value = inputs.get(key)
        if known(key) and (not isinstance(value, str) or not value.strip()):
            problems.append((key, f"'{key}' is required and must be a non-empty string"))
    namespace_id = inputs.get("namespace_id")
    if known("namespace_id") and (not isinstance(namespace_id, str) or not namespace_id.strip()):
        problems.append(
            (
                "namespace_id",
                "'namespace_id' is empty: pass the WorkerScript's namespace_id output, so the application "
                "is created only after the Worker upload resolved it",
            )
        )
    image = inputs.get("image")
    if known("image") and (not isinstance(image, str) or not _DIGEST_REF.match(image)):
        problems.append(
            ("image", f"image {image!r} must be pinned by digest (…@sha256:<64 hex>), never by a mutable tag")
        )
    if known("instance_type") and inputs.get("instance_type") not in INSTANCE_TYPE_NAMES:
        problems.append(
            (
                "instance_type",
                f"instance_type {inputs.get('instance_type')!r}; use one of {', '.join(INSTANCE_TYPE_NAMES)}",
            )
        )
    max_instances = inputs.get("max_instances")
    if known("max_instances") and (
        isinstance(max_instances, bool)
        or not isinstance(max_instances, int | float)
        or int(max_instances) != max_instances
        or max_instances < 1
    ):
        problems.append(
            ("max_instances", f"max_instances {max_instances!r} must be a whole number of at least 1")
        )
    if known("observability_logs") and not isinstance(inputs.get("observability_logs"), bool):
        problems.append(("observability_logs", "'observability_logs' must be true or false"))
    step = inputs.get("rollout_step_percentage")
    if known("rollout_step_percentage") and step not in STEP_PERCENTAGES:
        problems.append(
            (
                "rollout_step_percentage",
                f"rollout_step_percentage {step!r}; use one of 5, 10, 20, 25, 50, 100",
            )
        )
    if known("rollout_kind") and inputs.get("rollout_kind") not in ROLLOUT_KINDS:
        problems.append(
            ("rollout_kind", f"rollout_kind {inputs.get('rollout_kind')!r}; use full_auto or full_manual")
        )
    env = inputs.get("environment_variables")
    if known("environment_variables"):
        if not isinstance(env, Mapping):
            problems.append(
                ("environment_variables", "'environment_variables' must be a map of name to value")
            )
        else:
            for key, value in env.items():
                if not isinstance(key, str) or not _ENV_NAME.match(key) or not isinstance(value, str):
                    problems.append(
                        (
                            "environment_variables",
                            f"environment variable {key!r} needs a valid name and a string value",
                        )
                    )
    return problems


def _namespace_kept(key: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """During a preview the namespace id is unknown whenever the Worker script changes at all
    (the Python dynamic host cannot mark outputs stable). The same script keeps its namespace,
    so an unknown id with an unchanged script name is an update, not a replacement."""
    return (
        key == "namespace_id"
        and is_unknown(news.get(key))
        and bool(news.get("script_name"))
        and news.get("script_name") == olds.get("script_name")
    )


class ContainerApplication(Resource, module="bentocf", name="ContainerApplication"):
    """The container application bound to the Worker's Durable Object namespace (dynamic resource)."""

    application_id: pulumi.Output[str]
    last_rollout_id: pulumi.Output[str]
    """The rollout started by the last update ("" when none was needed)."""
    name: pulumi.Output[str]
    namespace_id: pulumi.Output[str]
    image: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        account_id: pulumi.Input[str],
        name: pulumi.Input[str],
        namespace_id: pulumi.Input[str],
        image: pulumi.Input[str],
        max_instances: pulumi.Input[int],
        script_name: pulumi.Input[str] | None = None,
        instance_type: pulumi.Input[str] = "lite",
        observability_logs: pulumi.Input[bool] = True,
        environment_variables: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        rollout_step_percentage: pulumi.Input[int] = 100,
        rollout_kind: pulumi.Input[str] = "full_auto",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "account_id": account_id,
            "name": name,
            "namespace_id": namespace_id,
            "script_name": script_name,
            "image": image,
            "instance_type": instance_type,
            "max_instances": max_instances,
            "observability_logs": observability_logs,
            "environment_variables": environment_variables if environment_variables is not None else {},
            "rollout_step_percentage": rollout_step_percentage,
            "rollout_kind": rollout_kind,
            "application_id": None,
            "last_rollout_id": None,
        }
        super().__init__(ContainerApplicationProvider(), resource_name, props, opts)
