"""WorkerScript: migrations decided by the live account, secrets kept or owned, namespace id, delete."""

from __future__ import annotations

import pytest
from cf_helpers import ACCOUNT, SCRIPT, SECRET_API_KEY, SECRET_TOKEN, worker_inputs
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare import migrations
from bento_cf_component.cloudflare.errors import CloudflareDeployError
from bento_cf_component.cloudflare.migrations import LiveScript, plan_migration
from bento_cf_component.cloudflare.props import UNKNOWN
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider


def test_migration_already_applied_by_another_tool_is_adopted_without_a_migration(
    emulator: CloudflareEmulator,
) -> None:
    seeded = emulator.seed_script(SCRIPT, migration_tag="v1")  # e.g. an earlier `wrangler deploy`

    outs = WorkerScriptProvider().create(worker_inputs()).outs or {}

    (metadata,) = emulator.uploads()
    assert "migrations" not in metadata
    assert metadata["containers"] == [{"class_name": "BentoContainer"}]
    assert outs["namespace_id"] == seeded.id
    assert outs["migration_tag"] == "v1"


def test_class_created_under_another_tag_sends_no_migration(emulator: CloudflareEmulator) -> None:
    seeded = emulator.seed_script(SCRIPT, migration_tag="wrangler-v3")

    outs = WorkerScriptProvider().create(worker_inputs()).outs or {}

    (metadata,) = emulator.uploads()
    assert "migrations" not in metadata
    assert outs["namespace_id"] == seeded.id
    assert outs["migration_tag"] == "wrangler-v3"


def test_existing_script_without_our_class_gets_the_migration_with_its_old_tag(
    emulator: CloudflareEmulator,
) -> None:
    emulator.seed_script(SCRIPT, class_name="SomethingElse", migration_tag="v0")

    outs = WorkerScriptProvider().create(worker_inputs()).outs or {}

    (metadata,) = emulator.uploads()
    assert metadata["migrations"] == {
        "old_tag": "v0",
        "new_tag": "v1",
        "steps": [{"new_sqlite_classes": ["BentoContainer"]}],
    }
    assert outs["migration_tag"] == "v1"


def test_plan_migration_never_uses_new_classes() -> None:
    fresh = plan_migration(LiveScript(exists=False, migration_tag=None), class_exists=False, class_name="C")
    assert fresh == {"new_tag": "v1", "steps": [{"new_sqlite_classes": ["C"]}]}
    assert plan_migration(LiveScript(True, "v1"), class_exists=False, class_name="C") is None
    assert plan_migration(LiveScript(True, "other"), class_exists=True, class_name="C") is None


def test_namespace_not_yet_visible_is_polled_until_it_shows(emulator: CloudflareEmulator) -> None:
    emulator.namespace_hidden_lists = 3

    outs = WorkerScriptProvider().create(worker_inputs()).outs or {}

    namespace = emulator.namespace_for(SCRIPT)
    assert namespace is not None and outs["namespace_id"] == namespace.id
    assert len(emulator.calls("GET", "durable_objects/namespaces")) >= 4


def test_namespace_that_never_shows_fails_clearly_instead_of_returning_empty(
    emulator: CloudflareEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "NAMESPACE_POLL_ATTEMPTS", 3)
    emulator.namespace_hidden_lists = 1000

    with pytest.raises(CloudflareDeployError) as raised:
        WorkerScriptProvider().create(worker_inputs())

    message = str(raised.value)
    assert "BentoContainer" in message and "re-run" in message and "\n" not in message


def test_secrets_set_outside_survive_an_update(emulator: CloudflareEmulator) -> None:
    provider = WorkerScriptProvider()
    outs = provider.create(worker_inputs()).outs or {}
    # `wrangler secret put EXTERNAL_SECRET` between two deploys:
    emulator.scripts[SCRIPT].bindings.append({"type": "secret_text", "name": "EXTERNAL_SECRET", "text": "x"})

    provider.update(SCRIPT, outs, worker_inputs(module_content="export class BentoContainer {} // v2"))

    names = {b["name"] for b in emulator.scripts[SCRIPT].bindings}
    assert {"EXTERNAL_SECRET", "BENTO_CF_ACCESS_TOKEN", "API_KEY"} <= names
    assert emulator.uploads()[-1]["keep_bindings"] == ["secret_text", "secret_key"]


def test_secrets_set_outside_are_dropped_when_the_component_owns_all_secrets(
    emulator: CloudflareEmulator,
) -> None:
    provider = WorkerScriptProvider()
    outs = provider.create(worker_inputs(owns_all_secrets=True)).outs or {}
    emulator.scripts[SCRIPT].bindings.append({"type": "secret_text", "name": "EXTERNAL_SECRET", "text": "x"})

    provider.update(SCRIPT, outs, worker_inputs(owns_all_secrets=True, secret_bindings={"API_KEY": "new"}))

    live = {b["name"]: b for b in emulator.scripts[SCRIPT].bindings}
    assert "EXTERNAL_SECRET" not in live and "BENTO_CF_ACCESS_TOKEN" not in live
    assert live["API_KEY"]["text"] == "new"
    assert "keep_bindings" not in emulator.uploads()[-1]


def test_secret_bindings_are_uploaded_as_secret_text(emulator: CloudflareEmulator) -> None:
    WorkerScriptProvider().create(worker_inputs())

    bindings = emulator.uploads()[0]["bindings"]
    assert {"type": "secret_text", "name": "BENTO_CF_ACCESS_TOKEN", "text": SECRET_TOKEN} in bindings
    assert {"type": "secret_text", "name": "API_KEY", "text": SECRET_API_KEY} in bindings


def test_extra_bindings_are_passed_through(emulator: CloudflareEmulator) -> None:
    queue = {"type": "queue", "name": "BENTO_QUEUE", "queue_name": "bento-in"}
    WorkerScriptProvider().create(worker_inputs(extra_bindings=[queue]))

    assert queue in emulator.uploads()[0]["bindings"]


def test_delete_removes_the_script_and_a_second_delete_is_fine(emulator: CloudflareEmulator) -> None:
    provider = WorkerScriptProvider()
    outs = provider.create(worker_inputs()).outs or {}

    provider.delete(SCRIPT, outs)
    assert SCRIPT not in emulator.scripts
    (delete,) = emulator.calls("DELETE", f"/workers/scripts/{SCRIPT}$")
    assert delete.query == {"force": ["true"]}

    provider.delete(SCRIPT, outs)  # 404 = already gone
    assert emulator.calls("DELETE")[-1].status == 404


def test_read_refreshes_live_values_and_reports_a_deleted_script(emulator: CloudflareEmulator) -> None:
    provider = WorkerScriptProvider()
    outs = provider.create(worker_inputs()).outs or {}

    read = provider.read(SCRIPT, {**outs, "migration_tag": "stale"})
    assert read.id == SCRIPT and (read.outs or {})["migration_tag"] == "v1"

    del emulator.scripts[SCRIPT]
    assert provider.read(SCRIPT, outs).id == ""


def test_diff_replaces_on_name_or_account_and_updates_otherwise() -> None:
    provider = WorkerScriptProvider()
    olds = worker_inputs()
    assert provider.diff(SCRIPT, olds, worker_inputs()).changes is False
    renamed = provider.diff(SCRIPT, olds, worker_inputs(script_name="bento-prod"))
    assert renamed.changes is True and renamed.replaces == ["script_name"]
    moved = provider.diff(SCRIPT, olds, worker_inputs(account_id="f" * 32))
    assert moved.replaces == ["account_id"]
    content = provider.diff(SCRIPT, olds, worker_inputs(module_content="export class BentoContainer {}"))
    assert content.changes is True and not content.replaces
    secret = provider.diff(SCRIPT, olds, worker_inputs(secret_bindings={"API_KEY": "rotated"}))
    assert secret.changes is True and not secret.replaces


def test_diff_with_unknown_values_during_preview_reports_a_change() -> None:
    provider = WorkerScriptProvider()
    news = provider.check({}, {**worker_inputs(), "module_content": UNKNOWN}).inputs
    assert provider.diff(SCRIPT, worker_inputs(), news).changes is True


def test_check_reports_each_bad_input_without_secret_values() -> None:
    result = WorkerScriptProvider().check(
        {},
        {
            "account_id": ACCOUNT,
            "script_name": "Bad Name",
            "main_module": "index.ts",
            "module_content": "x",
            "compatibility_date": "1st of May",
            "settings_json": "{not json",
            "settings_binding": "BENTO_CONTAINER",
            "secret_bindings": {"bad-name": SECRET_TOKEN},
        },
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) >= {
        "script_name",
        "main_module",
        "compatibility_date",
        "settings_json",
        "secret_bindings",
    }
    assert any("used twice" in f.reason for f in result.failures)
    assert all(SECRET_TOKEN not in f.reason for f in result.failures)


def test_check_passes_unknown_values_and_fills_defaults() -> None:
    result = WorkerScriptProvider().check(
        {},
        {
            "account_id": UNKNOWN,
            "script_name": SCRIPT,
            "main_module": "index.js",
            "module_content": UNKNOWN,
            "compatibility_date": "2026-09-01",
            "settings_json": UNKNOWN,
            "secret_bindings": UNKNOWN,
        },
    )
    assert result.failures == []
    assert result.inputs["container_class"] == "BentoContainer"
    assert result.inputs["durable_object_binding"] == "BENTO_CONTAINER"
    assert result.inputs["owns_all_secrets"] is False


def test_check_refuses_renaming_the_container_class_in_place() -> None:
    result = WorkerScriptProvider().check(worker_inputs(), {**worker_inputs(), "container_class": "Other"})
    (failure,) = result.failures
    assert failure.property == "container_class" and "destroys its data" in failure.reason
