"""``WorkerScript``: the Worker, its container-enabled Durable Object class and its bindings.

Create and update are the same three steps, because the account, not Pulumi state, decides
what a migration still has to do:

1. read the live script's migration tag (and, if needed, whether our class already has a
   namespace) and plan the migration: ``new_sqlite_classes`` once, never again;
2. upload the module with ``client.workers.scripts.update`` (``PUT /workers/scripts/{name}``, what
   wrangler does for container Workers) with ``containers: [{class_name}]`` in the metadata — the
   attachment that makes the class container-enabled;
3. read back the class's Durable Object namespace id (retried briefly; never empty), and the
   workers.dev address if the account has a subdomain.

Delete removes the script (a 404 means it is already gone).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, cast

import cloudflare
import pulumi
from cloudflare import Cloudflare, NotFoundError
from cloudflare.types.workers.script_update_params import (
    Metadata,
    MetadataBinding,
    MetadataBindingWorkersBindingKindDurableObjectNamespace,
    MetadataBindingWorkersBindingKindJson,
    MetadataBindingWorkersBindingKindSecretText,
    MetadataMigrationsWorkersMultipleStepMigrations,
)
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
from bento_cf_component.cloudflare.errors import SCRIPTS_WRITE, cloudflare_errors
from bento_cf_component.cloudflare.migrations import (
    MIGRATION_TAG,
    find_namespace_id,
    plan_migration,
    read_live_script,
    wait_for_namespace_id,
)
from bento_cf_component.cloudflare.props import (
    as_bool,
    as_str,
    as_str_dict,
    as_str_list,
    changed_keys,
    is_unknown,
)
from bento_cf_component.worker.runtime_settings import (
    CONTAINER_BINDING,
    CONTAINER_CLASS_NAME,
    SETTINGS_BINDING,
)

SECRET_BINDING_TYPES = ["secret_text", "secret_key"]
"""Kept from the previous upload when the component does not own every secret."""

_SCRIPT_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$")
_BINDING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MODULE = re.compile(r"^[\w./-]+\.m?js$")

INPUT_KEYS = (
    "account_id",
    "script_name",
    "main_module",
    "module_content",
    "compatibility_date",
    "compatibility_flags",
    "container_class",
    "durable_object_binding",
    "settings_binding",
    "settings_json",
    "secret_bindings",
    "owns_all_secrets",
    "extra_bindings",
)
REPLACE_KEYS = ("account_id", "script_name")
DEFAULTS: dict[str, Any] = {
    "compatibility_flags": [],
    "container_class": CONTAINER_CLASS_NAME,
    "durable_object_binding": CONTAINER_BINDING,
    "settings_binding": SETTINGS_BINDING,
    "secret_bindings": {},
    "owns_all_secrets": False,
    "extra_bindings": [],
}


class ContainerAttachment(TypedDict):
    """One entry of the upload metadata's ``containers`` list."""

    class_name: str


class WorkerMetadata(Metadata, total=False):
    """The SDK's upload metadata plus ``containers``, which the API takes but SDK 5.9 does not type."""

    containers: list[ContainerAttachment]


def build_metadata(
    props: Mapping[str, Any], migration: MetadataMigrationsWorkersMultipleStepMigrations | None
) -> WorkerMetadata:
    """The multipart ``metadata`` part for this upload."""
    container_class = as_str(props, "container_class")
    do_binding: MetadataBindingWorkersBindingKindDurableObjectNamespace = {
        "type": "durable_object_namespace",
        "name": as_str(props, "durable_object_binding"),
        "class_name": container_class,
    }
    settings_binding: MetadataBindingWorkersBindingKindJson = {
        "type": "json",
        "name": as_str(props, "settings_binding"),
        "json": json.loads(as_str(props, "settings_json")),
    }
    bindings: list[MetadataBinding] = [do_binding, settings_binding]
    for name, text in sorted(as_str_dict(props, "secret_bindings").items()):
        secret: MetadataBindingWorkersBindingKindSecretText = {
            "type": "secret_text",
            "name": name,
            "text": text,
        }
        bindings.append(secret)
    for extra in props.get("extra_bindings") or []:
        # Validated in check(): a mapping with string "type" and "name"; the API validates the rest.
        bindings.append(cast(MetadataBinding, dict(extra)))
    metadata: WorkerMetadata = {
        "main_module": as_str(props, "main_module"),
        "compatibility_date": as_str(props, "compatibility_date"),
        "compatibility_flags": as_str_list(props, "compatibility_flags"),
        "bindings": bindings,
        "containers": [{"class_name": container_class}],
    }
    if not as_bool(props, "owns_all_secrets", False):
        metadata["keep_bindings"] = SECRET_BINDING_TYPES
    if migration is not None:
        metadata["migrations"] = migration
    return metadata


def _secret_values(props: Mapping[str, Any]) -> list[str]:
    values = props.get("secret_bindings") or {}
    return [v for v in values.values() if isinstance(v, str)] if isinstance(values, Mapping) else []


def _workers_dev_url(client: Cloudflare, account_id: str, script_name: str) -> str:
    """``https://<script>.<account subdomain>.workers.dev``, or "" when the account has no subdomain."""
    with cloudflare_errors("reading the account's workers.dev subdomain", permission=SCRIPTS_WRITE):
        try:
            subdomain = client.workers.subdomains.get(account_id=account_id).subdomain
        except cloudflare.APIStatusError:
            return ""  # no subdomain (or not readable): the URL is simply unknown
    return f"https://{script_name}.{subdomain}.workers.dev" if subdomain else ""


class WorkerScriptProvider(ResourceProvider):
    """CRUD for the Worker script through the official SDK. Holds no state: it is pickled."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {**DEFAULTS, **{k: v for k, v in news.items() if v is not None}}
        failures = [CheckFailure(key, reason) for key, reason in _validate(inputs)]
        old_class = olds.get("container_class")
        new_class = inputs.get("container_class")
        if old_class and not is_unknown(new_class) and old_class != new_class:
            failures.append(
                CheckFailure(
                    "container_class",
                    f"the container class cannot change from '{old_class}' to '{new_class}' in place: "
                    "renaming or deleting a Durable Object class destroys its data and is a separate, "
                    "explicit migration; keep the old name or deploy under a new script_name",
                )
            )
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = changed_keys(olds, news, INPUT_KEYS)
        replaces = [key for key in changes if key in REPLACE_KEYS]
        return DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._deploy(props)
        return CreateResult(id_=as_str(props, "script_name"), outs=outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=self._deploy(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        account_id = as_str(props, "account_id")
        script_name = str(props.get("script_name") or id_)
        client = make_client()
        live = read_live_script(client, account_id, script_name)
        if not live.exists:
            return ReadResult(id_="", outs={})
        class_name = str(props.get("container_class") or DEFAULTS["container_class"])
        namespace_id = find_namespace_id(client, account_id, script_name, class_name) or ""
        return ReadResult(
            id_=id_, outs={**props, "migration_tag": live.migration_tag or "", "namespace_id": namespace_id}
        )

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        account_id = as_str(props, "account_id")
        script_name = str(props.get("script_name") or id_)
        client = make_client()
        # force: the script implements a Durable Object namespace, which goes with it. 404: already gone.
        action = f"deleting Worker script '{script_name}'"
        with cloudflare_errors(action, permission=SCRIPTS_WRITE), contextlib.suppress(NotFoundError):
            client.workers.scripts.delete(script_name, account_id=account_id, force=True)

    def _deploy(self, props: Mapping[str, Any]) -> dict[str, Any]:
        account_id = as_str(props, "account_id")
        script_name = as_str(props, "script_name")
        class_name = as_str(props, "container_class")
        secrets = _secret_values(props)
        client = make_client()

        # 1. What is live decides the migration.
        live = read_live_script(client, account_id, script_name)
        class_exists = (
            live.exists
            and live.migration_tag != MIGRATION_TAG
            and find_namespace_id(client, account_id, script_name, class_name) is not None
        )
        migration = plan_migration(live, class_exists=class_exists, class_name=class_name)

        # 2. Upload module + metadata (bindings, containers attachment, migration if any).
        metadata = build_metadata(props, migration)
        module = (
            as_str(props, "main_module"),
            as_str(props, "module_content").encode(),
            "application/javascript+module",
        )
        with cloudflare_errors(
            f"uploading Worker script '{script_name}'", permission=SCRIPTS_WRITE, secrets=secrets
        ):
            uploaded = client.workers.scripts.update(
                script_name, account_id=account_id, metadata=metadata, files=[module]
            )
        extra = uploaded.model_extra or {}

        # 3. Read back what the next resources need.
        namespace_id = wait_for_namespace_id(client, account_id, script_name, class_name)
        migration_tag = (
            uploaded.migration_tag or (migration["new_tag"] if migration else live.migration_tag) or ""
        )
        return {
            **{key: props.get(key) for key in INPUT_KEYS},
            "namespace_id": namespace_id,
            "migration_tag": migration_tag,
            "workers_dev_url": _workers_dev_url(client, account_id, script_name),
            "etag": uploaded.etag or "",
            "deployment_id": str(extra.get("deployment_id") or ""),
        }


def _validate(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(property, reason) for every invalid known input; unknown (preview) values pass."""
    problems: list[tuple[str, str]] = []

    def known(key: str) -> bool:
        return not is_unknown(inputs.get(key))

    for key in (
        "account_id",
        "script_name",
        "main_module",
        "module_content",
        "compatibility_date",
        "settings_json",
    ):
        value = inputs.get(key)
        if known(key) and (not isinstance(value, str) or not value.strip()):
            problems.append((key, f"'{key}' is required and must be a non-empty string"))
    name = inputs.get("script_name")
    if known("script_name") and isinstance(name, str) and name and not _SCRIPT_NAME.match(name):
        problems.append(
            (
                "script_name",
                f"'{name}' is not a valid Worker name: use 1-63 lowercase letters, digits, '-' or '_'",
            )
        )
    module = inputs.get("main_module")
    if known("main_module") and isinstance(module, str) and module and not _MODULE.match(module):
        problems.append(("main_module", f"'{module}' must be a .js or .mjs file name"))
    date = inputs.get("compatibility_date")
    if known("compatibility_date") and isinstance(date, str) and date and not _DATE.match(date):
        problems.append(("compatibility_date", f"'{date}' must be a date like 2026-01-15"))
    flags = inputs.get("compatibility_flags")
    if known("compatibility_flags") and (
        not isinstance(flags, list | tuple) or not all(isinstance(f, str) for f in flags)
    ):
        problems.append(("compatibility_flags", "'compatibility_flags' must be a list of strings"))
    settings = inputs.get("settings_json")
    if known("settings_json") and isinstance(settings, str) and settings.strip():
        try:
            json.loads(settings)
        except json.JSONDecodeError as exc:
            problems.append(
                ("settings_json", f"'settings_json' is not valid JSON ({exc.msg} at char {exc.pos})")
            )
    if known("owns_all_secrets") and not isinstance(inputs.get("owns_all_secrets"), bool):
        problems.append(("owns_all_secrets", "'owns_all_secrets' must be true or false"))
    klass = inputs.get("container_class")
    if known("container_class") and (not isinstance(klass, str) or not _BINDING_NAME.match(klass)):
        problems.append(
            ("container_class", "'container_class' must be a JavaScript class name, e.g. BentoContainer")
        )
    problems += _validate_binding_names(inputs)
    return problems


def _validate_binding_names(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}

    def claim(name: object, key: str) -> None:
        if is_unknown(name):
            return
        if not isinstance(name, str) or not _BINDING_NAME.match(name):
            problems.append((key, f"binding name {name!r} in '{key}' must be a valid identifier"))
        elif name in seen:
            problems.append((key, f"binding name '{name}' is used twice ('{seen[name]}' and '{key}')"))
        else:
            seen[name] = key

    claim(inputs.get("durable_object_binding"), "durable_object_binding")
    claim(inputs.get("settings_binding"), "settings_binding")
    secrets = inputs.get("secret_bindings")
    if isinstance(secrets, Mapping):
        for name, value in secrets.items():
            claim(name, "secret_bindings")
            if not is_unknown(value) and not isinstance(value, str):
                # Name only: the value is secret.
                problems.append(("secret_bindings", f"secret '{name}' must be a string"))
    elif not is_unknown(secrets):
        problems.append(
            ("secret_bindings", "'secret_bindings' must be a map of binding name to secret value")
        )
    extras = inputs.get("extra_bindings")
    if isinstance(extras, list | tuple):
        for extra in extras:
            if is_unknown(extra):
                continue
            if not isinstance(extra, Mapping) or not isinstance(extra.get("type"), str):
                problems.append(
                    ("extra_bindings", "each extra binding must be a map with string 'type' and 'name'")
                )
                continue
            claim(extra.get("name"), "extra_bindings")
    elif not is_unknown(extras):
        problems.append(("extra_bindings", "'extra_bindings' must be a list of binding maps"))
    return problems


class WorkerScript(Resource, module="bentocf", name="WorkerScript"):
    """The Worker script with a container-enabled Durable Object class (dynamic resource)."""

    account_id: pulumi.Output[str]
    script_name: pulumi.Output[str]
    namespace_id: pulumi.Output[str]
    """The Durable Object namespace id of ``container_class`` (what the container application binds to)."""
    migration_tag: pulumi.Output[str]
    """The script's live migration tag after the upload (``v1`` once the class exists)."""
    workers_dev_url: pulumi.Output[str]
    """``https://<script>.<subdomain>.workers.dev`` when the account has a workers.dev subdomain, else ""."""
    etag: pulumi.Output[str]
    deployment_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        account_id: pulumi.Input[str],
        script_name: pulumi.Input[str],
        main_module: pulumi.Input[str],
        module_content: pulumi.Input[str],
        compatibility_date: pulumi.Input[str],
        settings_json: pulumi.Input[str],
        compatibility_flags: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        container_class: pulumi.Input[str] = CONTAINER_CLASS_NAME,
        durable_object_binding: pulumi.Input[str] = CONTAINER_BINDING,
        settings_binding: pulumi.Input[str] = SETTINGS_BINDING,
        secret_bindings: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        owns_all_secrets: pulumi.Input[bool] = False,
        extra_bindings: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "account_id": account_id,
            "script_name": script_name,
            "main_module": main_module,
            "module_content": module_content,
            "compatibility_date": compatibility_date,
            "compatibility_flags": compatibility_flags if compatibility_flags is not None else [],
            "container_class": container_class,
            "durable_object_binding": durable_object_binding,
            "settings_binding": settings_binding,
            "settings_json": settings_json,
            "secret_bindings": secret_bindings if secret_bindings is not None else {},
            "owns_all_secrets": owns_all_secrets,
            "extra_bindings": extra_bindings if extra_bindings is not None else [],
            "namespace_id": None,
            "migration_tag": None,
            "workers_dev_url": None,
            "etag": None,
            "deployment_id": None,
        }
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["secret_bindings"])
        super().__init__(
            WorkerScriptProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(secret_opts, opts),
        )
