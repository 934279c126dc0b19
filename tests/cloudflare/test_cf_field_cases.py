"""Issue 3, "Deploys that survive the real world": each case against the emulator.

Cases covered elsewhere: interrupted runs (test_cf_container_application: interrupted run, code-1608
adopt), unresolved namespace id (…: empty namespace id), deletes and 404s (…: teardown order),
external secrets (test_cf_worker_script), retries and permissions (test_cf_errors), error codes
(test_cf_error_codes).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cf_helpers import ACCOUNT, IMAGE_A, IMAGE_B, SCRIPT, app_inputs, worker_inputs
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare.client import make_client
from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.errors import SCRIPTS_WRITE, CloudflareDeployError, cloudflare_errors
from bento_cf_component.cloudflare.registry_credentials import RegistryCredentialsProvider, needs_refresh
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

APP_NAME = "bento-dev-bentocontainer"


def creds_inputs(**overrides: Any) -> dict[str, Any]:
    news = {"account_id": ACCOUNT, "image_tag": "cfg-1a2b", **overrides}
    result = RegistryCredentialsProvider().check({}, news)
    assert not result.failures
    return result.inputs


# 1. Nothing changed ------------------------------------------------------------------------------
def test_nothing_changed_means_no_upload_no_migration_no_rollout_no_new_credentials(
    emulator: CloudflareEmulator,
) -> None:
    worker, app, creds = WorkerScriptProvider(), ContainerApplicationProvider(), RegistryCredentialsProvider()
    creds_outs = creds.create(creds_inputs()).outs or {}
    script_outs = worker.create(worker_inputs()).outs or {}
    app_outs = app.create(app_inputs(script_outs["namespace_id"])).outs or {}
    emulator.clear_calls()

    # The next `pulumi up` checks the same inputs and diffs them against the stored outputs.
    assert creds.diff("c", creds_outs, creds.check(creds_outs, creds_inputs()).inputs).changes is False
    assert (
        worker.diff(SCRIPT, script_outs, worker.check(script_outs, worker_inputs()).inputs).changes is False
    )
    app_news = app.check(app_outs, app_inputs(script_outs["namespace_id"])).inputs
    assert app.diff("a", app_outs, app_news).changes is False
    assert emulator.requests == []  # no upload, no migration, no rollout, no credentials to push with


# 2. Migration already applied elsewhere ----------------------------------------------------------
def test_migration_applied_elsewhere_is_adopted_and_the_field_failure_is_avoided(
    emulator: CloudflareEmulator,
) -> None:
    seeded = emulator.seed_script(SCRIPT, migration_tag="v1")  # class BentoContainer, created by wrangler

    # What fails in the field: an upload repeating the class's creation.
    with (
        pytest.raises(CloudflareDeployError, match="migration tag precondition failed") as naive,
        cloudflare_errors("uploading", permission=SCRIPTS_WRITE),
    ):
        make_client().workers.scripts.update(
            SCRIPT,
            account_id=ACCOUNT,
            metadata={
                "main_module": "index.js",
                "migrations": {"new_tag": "v1", "steps": [{"new_sqlite_classes": ["BentoContainer"]}]},
            },
            files=[("index.js", b"export class BentoContainer {}", "application/javascript+module")],
        )
    assert "(412, 10079" in str(naive.value)
    emulator.clear_calls()

    outs = WorkerScriptProvider().create(worker_inputs()).outs or {}

    (upload,) = emulator.calls("PUT")
    assert upload.status == 200 and "migrations" not in upload.body["metadata"]
    assert outs["namespace_id"] == seeded.id and outs["migration_tag"] == "v1"
    assert emulator.scripts[SCRIPT].migration_tag == "v1"


# 3. No binding to a class without a migration, on every upload path -----------------------------
def _exported_classes(module: str) -> set[str]:
    return set(re.findall(r"export\s+class\s+(\w+)", module))


@pytest.mark.parametrize("path", ["first-deploy", "adopt", "update"])
def test_every_upload_binds_only_the_exported_sqlite_class_it_attaches_the_container_to(
    emulator: CloudflareEmulator, path: str
) -> None:
    provider = WorkerScriptProvider()
    if path == "adopt":
        emulator.seed_script(SCRIPT, migration_tag="v1")
    outs = provider.create(worker_inputs()).outs or {}
    if path == "update":
        provider.update(SCRIPT, outs, worker_inputs(settings_json='{"pattern": "request", "port": 4196}'))

    for request in emulator.calls("PUT"):
        metadata = request.body["metadata"]
        module = next(p["text"] for p in request.body["parts"].values() if p["filename"] == "index.js")
        do_classes = {
            b["class_name"] for b in metadata["bindings"] if b["type"] == "durable_object_namespace"
        }
        attached = {c["class_name"] for c in metadata["containers"]}
        assert do_classes == attached == {"BentoContainer"} <= _exported_classes(module)
        assert "new_classes" not in json.dumps(metadata)
        for step in (metadata.get("migrations") or {}).get("steps", []):
            assert set(step) == {"new_sqlite_classes"} and step["new_sqlite_classes"] == ["BentoContainer"]
        assert request.status == 200
    # After every path the class exists with SQLite storage and a namespace.
    namespace = emulator.namespace_for(SCRIPT)
    assert namespace is not None and namespace.use_sqlite
    assert emulator.scripts[SCRIPT].containers == {"BentoContainer"}


# 4. Application of the same name ----------------------------------------------------------------
def test_same_name_bound_to_our_namespace_is_adopted(emulator: CloudflareEmulator) -> None:
    namespace = emulator.seed_script(SCRIPT)
    existing = emulator.seed_application(name=APP_NAME, namespace_id=namespace.id, max_instances=3)

    result = ContainerApplicationProvider().create(app_inputs(namespace.id))

    assert result.id == existing["id"] and len(emulator.applications) == 1


def test_same_name_bound_to_another_namespace_fails_with_the_conflict_and_the_fix(
    emulator: CloudflareEmulator,
) -> None:
    ours = emulator.seed_script(SCRIPT)
    theirs = emulator.seed_script("bento-old")
    other = emulator.seed_application(name=APP_NAME, namespace_id=theirs.id)

    with pytest.raises(CloudflareDeployError) as raised:
        ContainerApplicationProvider().create(app_inputs(ours.id))

    message = str(raised.value)
    assert "\n" not in message and "{" not in message
    assert APP_NAME in message and other["id"] in message and theirs.id in message and ours.id in message
    assert "wrangler containers delete" in message and "another name" in message
    assert not emulator.calls("POST") and len(emulator.applications) == 1


# 7. What each change sends ----------------------------------------------------------------------
@pytest.fixture
def deployed(emulator: CloudflareEmulator) -> tuple[str, dict[str, Any]]:
    namespace_id = emulator.seed_script(SCRIPT).id
    created = ContainerApplicationProvider().create(app_inputs(namespace_id))
    emulator.clear_calls()
    return namespace_id, created.outs or {}


def _update(namespace_id: str, olds: dict[str, Any], **changes: Any) -> dict[str, Any]:
    provider = ContainerApplicationProvider()
    news = provider.check(olds, app_inputs(namespace_id, **changes)).inputs
    diff = provider.diff(olds["application_id"], olds, news)
    assert diff.changes is True and not diff.replaces
    return provider.update(olds["application_id"], olds, news).outs or {}


def test_instance_type_change_is_one_rollout_carrying_it(
    emulator: CloudflareEmulator, deployed: tuple[str, dict[str, Any]]
) -> None:
    namespace_id, olds = deployed
    _update(namespace_id, olds, instance_type="standard-1")

    (rollout,) = emulator.calls("POST", "/rollouts$")
    assert rollout.body["target_configuration"]["instance_type"] == "standard-1"
    assert rollout.body["target_configuration"]["image"] == IMAGE_A
    # SDK 5.9's edit() types configuration as authorized_keys/wrangler_ssh only: no PATCH for this.
    assert not emulator.calls("PATCH")


def test_max_instances_and_instance_type_change_is_edit_then_rollout(
    emulator: CloudflareEmulator, deployed: tuple[str, dict[str, Any]]
) -> None:
    namespace_id, olds = deployed
    _update(namespace_id, olds, instance_type="standard-2", max_instances=6)

    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in emulator.requests if r.method != "GET"] == [
        ("PATCH", olds["application_id"]),
        ("POST", "rollouts"),
    ]
    assert emulator.calls("PATCH")[0].body == {"max_instances": 6}


def test_env_var_change_is_one_rollout_and_new_digest_is_one_rollout(
    emulator: CloudflareEmulator, deployed: tuple[str, dict[str, Any]]
) -> None:
    namespace_id, olds = deployed
    outs = _update(namespace_id, olds, environment_variables={"LOG_LEVEL": "debug"})
    (rollout,) = emulator.calls("POST", "/rollouts$")
    assert rollout.body["target_configuration"]["environment_variables"] == [
        {"name": "LOG_LEVEL", "value": "debug"}
    ]
    emulator.clear_calls()

    _update(namespace_id, outs, environment_variables={"LOG_LEVEL": "debug"}, image=IMAGE_B)
    (rollout,) = emulator.calls("POST", "/rollouts$")
    assert rollout.body["target_configuration"]["image"] == IMAGE_B
    assert not emulator.calls("PATCH")


# 12. Registry credentials expire -------------------------------------------------------------------
def test_expired_or_expiring_credentials_are_minted_again_on_the_next_run(
    emulator: CloudflareEmulator,
) -> None:
    provider = RegistryCredentialsProvider()
    olds = provider.create(creds_inputs()).outs or {}
    assert provider.diff("c", olds, creds_inputs()).changes is False  # fresh: nothing to do

    for left in (timedelta(minutes=-5), timedelta(minutes=3)):  # expired; about to expire
        stale = {**olds, "expires_at": (datetime.now(UTC) + left).isoformat(timespec="seconds")}
        diff = provider.diff("c", stale, creds_inputs())
        assert diff.changes is True and diff.replaces == []  # an update: same id, new secret outputs
        emulator.clear_calls()
        outs = provider.update("c", stale, creds_inputs()).outs or {}
        assert len(emulator.calls("POST", "/credentials$")) == 1
        assert outs["password"] != olds["password"]
        assert datetime.fromisoformat(outs["expires_at"]) > datetime.now(UTC) + timedelta(minutes=25)
        assert provider.diff("c", outs, creds_inputs()).changes is False


def test_refresh_margin_is_at_most_half_the_lifetime() -> None:
    now = datetime(2026, 10, 1, tzinfo=UTC)
    assert needs_refresh((now + timedelta(minutes=11)).isoformat(), now, 30) is False
    assert needs_refresh((now + timedelta(minutes=9)).isoformat(), now, 30) is True
    # 4-minute credentials minted just now are not stale (margin 2 min, not 10).
    assert needs_refresh((now + timedelta(minutes=4)).isoformat(), now, 4) is False
    assert needs_refresh("", now, 30) is True and needs_refresh("yesterday", now, 30) is True
