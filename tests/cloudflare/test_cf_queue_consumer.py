"""QueueConsumer: the queue's Worker consumer, created or adopted, updated only when a setting changed."""

from __future__ import annotations

from typing import Any

import pytest
from cf_helpers import ACCOUNT, SCRIPT, worker_inputs
from emulator import CloudflareEmulator
from emulator.server import CONTAINERS, SCRIPTS

from bento_cf_component.cloudflare import queue_consumer
from bento_cf_component.cloudflare.errors import CloudflareDeployError
from bento_cf_component.cloudflare.props import UNKNOWN
from bento_cf_component.cloudflare.queue_consumer import QueueConsumerProvider
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

QUEUE = "bento-dev-in"
DLQ = "bento-dev-dlq"
QUEUE_MODULE = (
    "export class BentoContainer {}\n"
    "export default { fetch() { return new Response('ok') }, async queue(batch, env) {} }\n"
)
CONSUMERS = r"/queues/[^/]+/consumers"


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_consumer, "POLL_DELAY_SECONDS", 0.01)


@pytest.fixture
def queue(emulator: CloudflareEmulator) -> Any:
    """The main queue (pulumi_cloudflare.Queue) and a Worker that exports queue()."""
    WorkerScriptProvider().create(worker_inputs(module_content=QUEUE_MODULE))
    return emulator.seed_queue(QUEUE)


def inputs(**overrides: Any) -> dict[str, Any]:
    news: dict[str, Any] = {
        "account_id": ACCOUNT,
        "queue_name": QUEUE,
        "script_name": SCRIPT,
        "dead_letter_queue": DLQ,
        "batch_size": 50,
        "max_wait_time_ms": 2000,
        "max_retries": 5,
        "retry_delay": 10,
    }
    news.update(overrides)
    result = QueueConsumerProvider().check({}, news)
    assert not result.failures, [f.reason for f in result.failures]
    return result.inputs


def test_create_posts_the_worker_consumer_with_its_settings(emulator: CloudflareEmulator, queue: Any) -> None:
    emulator.clear_calls()
    created = QueueConsumerProvider().create(inputs())

    (post,) = emulator.calls("POST", CONSUMERS + "$")
    assert post.body == {
        "type": "worker",
        "script_name": SCRIPT,
        "dead_letter_queue": DLQ,
        "settings": {"batch_size": 50, "max_wait_time_ms": 2000, "max_retries": 5, "retry_delay": 10},
    }
    assert "max_concurrency" not in post.body["settings"]  # None = the platform's maximum
    outs = created.outs or {}
    assert outs["queue_id"] == queue.id
    assert created.id == outs["consumer_id"] and created.id in queue.consumers
    assert emulator.queue_named(DLQ) is not None  # Cloudflare creates a missing dead-letter queue
    (lookup,) = emulator.calls("GET", r"/queues$")
    assert lookup.query == {"name": [QUEUE]}


def test_existing_consumer_of_our_script_is_adopted_and_updated(
    emulator: CloudflareEmulator, queue: Any
) -> None:
    # `wrangler deploy` attached it earlier with wrangler's defaults.
    existing = emulator.seed_consumer(queue, SCRIPT, batch_size=10, max_retries=3)
    emulator.clear_calls()

    created = QueueConsumerProvider().create(inputs())

    assert created.id == existing["consumer_id"]
    assert not emulator.calls("POST", CONSUMERS)
    (put,) = emulator.calls("PUT", CONSUMERS)
    assert put.path.endswith(existing["consumer_id"])
    assert put.body["settings"]["batch_size"] == 50 and put.body["dead_letter_queue"] == DLQ
    assert queue.consumers[existing["consumer_id"]]["settings"]["max_retries"] == 5


def test_adopting_a_consumer_that_already_matches_sends_nothing(
    emulator: CloudflareEmulator, queue: Any
) -> None:
    emulator.seed_consumer(queue, SCRIPT, batch_size=50, max_wait_time_ms=2000, max_retries=5, retry_delay=10)
    queue.consumers[next(iter(queue.consumers))]["dead_letter_queue"] = DLQ
    emulator.clear_calls()

    QueueConsumerProvider().create(inputs())

    assert {r.method for r in emulator.requests} == {"GET"}


def test_consumer_of_another_script_is_a_clear_conflict(emulator: CloudflareEmulator, queue: Any) -> None:
    other = emulator.seed_consumer(queue, "someone-elses-worker")
    emulator.clear_calls()

    with pytest.raises(CloudflareDeployError) as raised:
        QueueConsumerProvider().create(inputs())

    message = str(raised.value)
    assert "\n" not in message and "{" not in message
    assert (
        "someone-elses-worker" in message
        and SCRIPT in message
        and "wrangler queues consumer remove" in message
    )
    assert other["consumer_id"] in message
    assert not emulator.calls("POST") and not emulator.calls("PUT")
    assert list(queue.consumers) == [other["consumer_id"]]


def test_setting_change_is_one_put_and_no_change_is_no_call(emulator: CloudflareEmulator, queue: Any) -> None:
    provider = QueueConsumerProvider()
    created = provider.create(inputs())
    olds = created.outs or {}
    emulator.clear_calls()

    assert provider.diff(created.id, olds, inputs()).changes is False
    news = inputs(batch_size=100, max_concurrency=4)
    diff = provider.diff(created.id, olds, news)
    assert diff.changes is True and not diff.replaces
    outs = provider.update(created.id, olds, news).outs or {}

    (put,) = emulator.requests
    assert put.method == "PUT" and put.body["settings"]["batch_size"] == 100
    assert put.body["settings"]["max_concurrency"] == 4
    assert outs["consumer_id"] == created.id and outs["queue_id"] == queue.id
    assert provider.diff(created.id, outs, news).changes is False


def test_back_to_platform_max_concurrency_leaves_it_out_of_the_put(
    emulator: CloudflareEmulator, queue: Any
) -> None:
    provider = QueueConsumerProvider()
    created = provider.create(inputs(max_concurrency=4))
    emulator.clear_calls()

    provider.update(created.id, created.outs or {}, inputs(max_concurrency=None))

    (put,) = emulator.calls("PUT")
    assert "max_concurrency" not in put.body["settings"]
    assert queue.consumers[created.id]["settings"]["max_concurrency"] is None


def test_queue_script_or_account_change_replaces_deleting_first() -> None:
    provider = QueueConsumerProvider()
    olds = inputs()
    for key, value in (
        ("queue_name", "other-queue"),
        ("script_name", "other-worker"),
        ("account_id", "f" * 32),
    ):
        diff = provider.diff("c", olds, inputs(**{key: value}))
        assert diff.replaces == [key] and diff.delete_before_replace is True


def test_delete_then_delete_again_counts_404_as_gone(emulator: CloudflareEmulator, queue: Any) -> None:
    provider = QueueConsumerProvider()
    created = provider.create(inputs())

    provider.delete(created.id, created.outs or {})
    assert queue.consumers == {}
    provider.delete(created.id, created.outs or {})
    assert emulator.calls("DELETE")[-1].status == 404

    emulator.queues.clear()  # the queue itself deleted first (pulumi_cloudflare.Queue): also gone
    provider.delete(created.id, created.outs or {})
    assert emulator.calls("DELETE")[-1].status == 404


def test_missing_script_fails_clearly_before_the_consumer_api(emulator: CloudflareEmulator) -> None:
    emulator.seed_queue(QUEUE)

    with pytest.raises(CloudflareDeployError, match="does not exist") as raised:
        QueueConsumerProvider().create(inputs())

    assert "depends_on" in str(raised.value) and "queue()" in str(raised.value)
    assert not emulator.calls("POST")


def test_script_without_queue_handler_is_retried_then_explained(emulator: CloudflareEmulator) -> None:
    WorkerScriptProvider().create(worker_inputs())  # the request-pattern bundle: no queue()
    emulator.seed_queue(QUEUE)

    with pytest.raises(CloudflareDeployError) as raised:
        QueueConsumerProvider().create(inputs())

    message = str(raised.value)
    assert "11001" in message and "does not export a queue() handler" in message and "\n" not in message
    posts = emulator.calls("POST", CONSUMERS)
    assert len(posts) == queue_consumer.HANDLER_POLL_ATTEMPTS and {p.status for p in posts} == {400}


def test_handler_that_appears_while_polling_is_used(emulator: CloudflareEmulator, queue: Any) -> None:
    emulator.fail(
        "POST", CONSUMERS + "$", status=400, code=11001, message="Queue handler is missing", times=2
    )

    created = QueueConsumerProvider().create(inputs())

    assert [r.status for r in emulator.calls("POST", CONSUMERS)] == [400, 400, 200]
    assert created.id in queue.consumers


def test_consumer_created_meanwhile_is_adopted_on_11004(emulator: CloudflareEmulator, queue: Any) -> None:
    # Another run attached our Worker between our list and our POST.
    emulator.fail(
        "POST", CONSUMERS + "$", status=400, code=11004, message="workers.api.error.consumer_exists"
    )
    original = emulator._list_consumers
    seen = {"lists": 0}

    def list_then_attach(*args: Any) -> Any:
        seen["lists"] += 1
        if seen["lists"] == 1:
            answer = original(*args)
            emulator.seed_consumer(queue, SCRIPT, batch_size=50, max_wait_time_ms=2000, max_retries=5)
            return answer
        return original(*args)

    emulator._list_consumers = list_then_attach  # type: ignore[method-assign]

    created = QueueConsumerProvider().create(inputs())

    assert list(queue.consumers) == [created.id]
    assert len(emulator.calls("PUT", CONSUMERS)) == 1  # retry_delay and dead-letter queue brought in line


def test_missing_queue_fails_clearly_after_a_short_wait(emulator: CloudflareEmulator) -> None:
    WorkerScriptProvider().create(worker_inputs(module_content=QUEUE_MODULE))

    with pytest.raises(CloudflareDeployError, match=f"queue '{QUEUE}' does not exist") as raised:
        QueueConsumerProvider().create(inputs())

    assert "pulumi_cloudflare.Queue" in str(raised.value)
    assert len(emulator.calls("GET", r"/queues$")) == queue_consumer.QUEUE_POLL_ATTEMPTS
    assert not emulator.calls("POST")


def test_token_without_queues_permission_is_told_which_one(
    emulator: CloudflareEmulator, queue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.tokens["no-queues"] = frozenset({SCRIPTS, CONTAINERS})
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "no-queues")

    with pytest.raises(CloudflareDeployError) as raised:
        QueueConsumerProvider().create(inputs())

    message = str(raised.value)
    assert "403" in message and "'Queues Write'" in message and "no-queues" not in message


def test_read_refreshes_settings_and_reports_a_deleted_consumer(
    emulator: CloudflareEmulator, queue: Any
) -> None:
    provider = QueueConsumerProvider()
    created = provider.create(inputs())
    queue.consumers[created.id]["settings"]["batch_size"] = 7  # changed in the dashboard

    read = provider.read(created.id, created.outs or {})
    assert (read.outs or {})["batch_size"] == 7
    assert provider.diff(created.id, read.outs or {}, inputs()).changes is True

    queue.consumers.clear()
    assert provider.read(created.id, created.outs or {}).id == ""


def test_check_enforces_platform_limits_and_lets_unknowns_through() -> None:
    provider = QueueConsumerProvider()
    bad = provider.check(
        {},
        {
            "account_id": ACCOUNT,
            "queue_name": QUEUE,
            "script_name": SCRIPT,
            "dead_letter_queue": QUEUE,
            "batch_size": 101,
            "max_wait_time_ms": 60_001,
            "max_retries": 101,
            "retry_delay": -1,
            "max_concurrency": 0,
        },
    )
    assert {f.property for f in bad.failures} == {
        "dead_letter_queue",
        "batch_size",
        "max_wait_time_ms",
        "max_retries",
        "retry_delay",
        "max_concurrency",
    }
    ok = provider.check({}, {"account_id": UNKNOWN, "queue_name": UNKNOWN, "script_name": SCRIPT})
    assert ok.failures == []
    assert ok.inputs["batch_size"] == 10 and ok.inputs["max_retries"] == 3
    assert ok.inputs["max_concurrency"] is None and ok.inputs["dead_letter_queue"] is None
