"""The whole control-plane sequence through the official SDK against the emulator:
script upload (migration v1 + containers) → namespace id → application create; then a re-run."""

from __future__ import annotations

import json

from cf_helpers import IMAGE_A, IMAGE_B, SCRIPT, app_inputs, worker_inputs
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider


def test_first_deploy_uploads_class_with_migration_then_creates_the_application(
    emulator: CloudflareEmulator,
) -> None:
    script = WorkerScriptProvider().create(worker_inputs())
    assert script.id == SCRIPT
    outs = script.outs or {}

    (metadata,) = emulator.uploads()
    assert metadata["main_module"] == "index.js"
    assert metadata["migrations"] == {"new_tag": "v1", "steps": [{"new_sqlite_classes": ["BentoContainer"]}]}
    assert "new_classes" not in json.dumps(metadata)
    assert metadata["containers"] == [{"class_name": "BentoContainer"}]
    assert {
        "type": "durable_object_namespace",
        "name": "BENTO_CONTAINER",
        "class_name": "BentoContainer",
    } in (metadata["bindings"])
    assert {"type": "json", "name": "BENTO_CF_SETTINGS", "json": {"pattern": "request", "port": 4195}} in (
        metadata["bindings"]
    )
    assert metadata["compatibility_date"] == "2026-09-01"
    assert metadata["compatibility_flags"] == ["nodejs_compat"]
    assert metadata["keep_bindings"] == ["secret_text", "secret_key"]

    namespace = emulator.namespace_for(SCRIPT)
    assert namespace is not None
    assert outs["namespace_id"] == namespace.id
    assert outs["migration_tag"] == "v1"
    assert outs["workers_dev_url"] == f"https://{SCRIPT}.bento-test.workers.dev"
    assert outs["etag"] and outs["deployment_id"]

    app = ContainerApplicationProvider().create(app_inputs(outs["namespace_id"]))
    (created,) = emulator.calls("POST", r"/containers/applications$")
    assert created.body == {
        "name": "bento-dev-bentocontainer",
        "scheduling_policy": "default",
        "instances": 0,
        "max_instances": 3,
        "configuration": {
            "image": IMAGE_A,
            "instance_type": "basic",
            "observability": {"logs": {"enabled": True}},
        },
        "constraints": {"tiers": [1, 2]},
        "durable_objects": {"namespace_id": namespace.id},
    }
    assert app.id in emulator.applications
    assert (app.outs or {})["application_id"] == app.id
    assert (app.outs or {})["last_rollout_id"] == ""
    assert not emulator.calls("POST", "/rollouts")

    # Order on the account: upload, then namespace lookup, then application.
    paths = [(r.method, r.path.split("/", 3)[-1]) for r in emulator.requests]
    upload = paths.index(("PUT", f"workers/scripts/{SCRIPT}"))
    lookup = max(i for i, p in enumerate(paths) if p == ("GET", "workers/durable_objects/namespaces"))
    create = paths.index(("POST", "containers/applications"))
    assert upload < lookup < create


def test_rerun_with_nothing_changed_declares_no_change_and_sends_nothing(
    emulator: CloudflareEmulator,
) -> None:
    worker = WorkerScriptProvider()
    app_provider = ContainerApplicationProvider()
    script_outs = worker.create(worker_inputs()).outs or {}
    app = app_provider.create(app_inputs(script_outs["namespace_id"]))
    emulator.clear_calls()

    # Next `pulumi up`: check the same inputs, then diff against the stored outputs.
    news = worker.check(script_outs, worker_inputs()).inputs
    assert worker.diff(SCRIPT, script_outs, news).changes is False
    app_news = app_provider.check(app.outs or {}, app_inputs(script_outs["namespace_id"])).inputs
    assert app_provider.diff(app.id, app.outs or {}, app_news).changes is False
    assert emulator.requests == []


def test_upload_update_never_resends_the_migration(emulator: CloudflareEmulator) -> None:
    worker = WorkerScriptProvider()
    outs = worker.create(worker_inputs()).outs or {}
    news = worker_inputs(settings_json='{"pattern": "request", "port": 4196}')
    diff = worker.diff(SCRIPT, outs, news)
    assert diff.changes is True and not diff.replaces

    updated = worker.update(SCRIPT, outs, news).outs or {}

    first, second = emulator.uploads()
    assert "migrations" in first
    assert "migrations" not in second
    assert second["containers"] == [{"class_name": "BentoContainer"}]
    assert updated["namespace_id"] == outs["namespace_id"]
    assert updated["migration_tag"] == "v1"


def test_worker_only_change_makes_no_application_call(emulator: CloudflareEmulator) -> None:
    worker = WorkerScriptProvider()
    app_provider = ContainerApplicationProvider()
    script_outs = worker.create(worker_inputs()).outs or {}
    app = app_provider.create(app_inputs(script_outs["namespace_id"]))
    emulator.clear_calls()

    new_script = (
        worker.update(SCRIPT, script_outs, worker_inputs(settings_json='{"pattern": "request"}')).outs or {}
    )
    app_news = app_provider.check(app.outs or {}, app_inputs(new_script["namespace_id"])).inputs

    assert app_provider.diff(app.id, app.outs or {}, app_news).changes is False
    assert not emulator.calls(path="/containers/")


def test_numbers_arrive_as_floats_from_the_engine(emulator: CloudflareEmulator) -> None:
    """Pulumi's wire format has only doubles; whole floats must behave as ints."""
    namespace = emulator.seed_script(SCRIPT)
    news = app_inputs(namespace.id, max_instances=3.0, rollout_step_percentage=50.0)
    created = ContainerApplicationProvider().create(news)

    assert emulator.calls("POST")[0].body["max_instances"] == 3
    outs = (
        ContainerApplicationProvider().update(created.id, created.outs or {}, {**news, "image": IMAGE_B}).outs
    )
    assert emulator.calls("POST", "/rollouts$")[0].body["step_percentage"] == 50
    assert (
        ContainerApplicationProvider().diff(created.id, outs or {}, {**news, "image": IMAGE_B}).changes
        is False
    )
