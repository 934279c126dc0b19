"""Adopting a Bento Worker deployed by wrangler (docs/operations.md, "Adopting a wrangler deployment").

The emulator is pre-seeded with what `wrangler deploy` leaves behind; the first `pulumi up` (empty
state, so every resource is created) adopts it without a migration, a second application or a second
consumer; the run after that changes nothing.
"""

from __future__ import annotations

from typing import Any

from cf_helpers import ACCOUNT, IMAGE_A, SCRIPT, app_inputs, worker_inputs
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.queue_consumer import QueueConsumerProvider
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

QUEUE_MODULE = (
    "export class BentoContainer {}\n"
    "export default { fetch() { return new Response('ok') }, async queue(batch, env) {} }\n"
)


def seed_wrangler_deployment(emulator: CloudflareEmulator) -> dict[str, Any]:
    """What `wrangler deploy` + `wrangler secret put` leave on the account for this Worker."""
    namespace = emulator.seed_script(
        SCRIPT,
        migration_tag="v1",  # [[migrations]] tag = "v1", new_sqlite_classes = ["BentoContainer"]
        bindings=[
            {"type": "durable_object_namespace", "name": "BENTO_CONTAINER", "class_name": "BentoContainer"},
            {"type": "json", "name": "BENTO_CF_SETTINGS", "json": {"pattern": "queue"}},
            {"type": "secret_text", "name": "BENTO_CF_ACCESS_TOKEN", "text": "set-by-wrangler"},
        ],
    )
    emulator.scripts[SCRIPT].modules = {"index.js": QUEUE_MODULE}
    app = emulator.seed_application(  # wrangler's name `${worker}-${class}` and its defaults
        name="bento-dev-bentocontainer",
        namespace_id=namespace.id,
        max_instances=20,
        constraints={"tiers": [1, 2]},
        configuration={
            "image": "registry.cloudflare.com/acct/bento-dev@sha256:" + "9" * 64,
            "instance_type": "lite",
            "observability": {"logs": {"enabled": True}},
        },
    )
    queue = emulator.seed_queue("bento-dev-in")
    consumer = emulator.seed_consumer(queue, SCRIPT)  # [[queues.consumers]] with wrangler's defaults
    return {"namespace": namespace, "app": app, "queue": queue, "consumer": consumer}


def consumer_inputs() -> dict[str, Any]:
    result = QueueConsumerProvider().check(
        {},
        {
            "account_id": ACCOUNT,
            "queue_name": "bento-dev-in",
            "script_name": SCRIPT,
            "dead_letter_queue": "bento-dev-dlq",
            "batch_size": 25,
        },
    )
    assert not result.failures
    return result.inputs


def test_wrangler_deployment_is_adopted_and_the_next_run_changes_nothing(
    emulator: CloudflareEmulator,
) -> None:
    seeded = seed_wrangler_deployment(emulator)
    worker, app, consumer = WorkerScriptProvider(), ContainerApplicationProvider(), QueueConsumerProvider()

    # First `pulumi up` with empty state: create = adopt.
    script = worker.create(worker_inputs(module_content=QUEUE_MODULE))
    script_outs = script.outs or {}
    application = app.create(app_inputs(script_outs["namespace_id"]))
    attached = consumer.create(consumer_inputs())

    (upload,) = emulator.uploads()
    assert "migrations" not in upload  # the class is live: no second migration
    assert script_outs["namespace_id"] == seeded["namespace"].id
    names = {b["name"] for b in emulator.scripts[SCRIPT].bindings}
    assert "BENTO_CF_ACCESS_TOKEN" in names  # wrangler's secret kept (owns_all_secrets is False)
    assert application.id == seeded["app"]["id"] and len(emulator.applications) == 1
    assert not emulator.calls("POST", r"/containers/applications$")
    live_app = emulator.applications[application.id]
    assert live_app["max_instances"] == 3 and live_app["configuration"]["image"] == IMAGE_A
    assert attached.id == seeded["consumer"]["consumer_id"] and len(seeded["queue"].consumers) == 1
    assert not emulator.calls("POST", r"/consumers$")

    # Next `pulumi up`: every diff against the stored outputs says "no changes"; nothing is sent.
    emulator.clear_calls()
    assert (
        worker.diff(
            SCRIPT, script_outs, worker.check(script_outs, worker_inputs(module_content=QUEUE_MODULE)).inputs
        ).changes
        is False
    )
    app_outs = application.outs or {}
    app_news = app.check(app_outs, app_inputs(script_outs["namespace_id"])).inputs
    assert app.diff(application.id, app_outs, app_news).changes is False
    consumer_outs = attached.outs or {}
    assert consumer.diff(attached.id, consumer_outs, consumer_inputs()).changes is False
    assert emulator.requests == []

    # And creating again (state lost once more) converges without writing anything.
    app.create(app_inputs(script_outs["namespace_id"]))
    consumer.create(consumer_inputs())
    assert {r.method for r in emulator.requests} == {"GET"}
