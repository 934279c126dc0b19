"""The queue pattern in workerd with real local queues (miniflare), against a multipart-reading
Bento stand-in: ingest endpoint -> queue -> queue() -> one Bento request per batch -> ack/retry
-> dead-letter queue. Harness: harness/queue-harness.mjs, queue_standin.py, queue_workerd.py."""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from bento_cf_component.worker.bundle import WorkerBundle
from bento_cf_component.worker.queue_runtime import QueueRuntime, ScheduleRuntime
from bento_cf_component.worker.runtime_settings import RuntimeSettings

from .conftest import TOKEN, bearer, call
from .queue_standin import BentoRequest, FailurePlan, QueueKnobs, QueueStandIn
from .queue_workerd import QueueConsumerConfig, running_queue_worker
from .workerd import RunningWorker

QUEUE_SETTINGS = RuntimeSettings(
    pattern="queue",
    port=4195,
    input_path="/post",
    input_methods=("POST",),
    response_mode="accepted",
    instance_count=2,
    sticky_header=None,
    access_mode="bearer",
    startup_budget_ms=20_000,
    retry_after_seconds=7,
    sleep_after="10m",
    queue=QueueRuntime(binding="BENTO_QUEUE", ingest_path="/ingest", retry_delay_seconds=0),
    schedule=ScheduleRuntime(path="/post"),
)
BINDINGS = {"BENTO_CF_ACCESS_TOKEN": TOKEN}
MAX_RETRIES = 3
# Positions of the failing 20 % of Bento requests. With this seed, one batch here happens to fail
# four times in a row (10 dead letters); the checks compute the expected set from the stand-in's
# log, so they hold for any seed and any batch composition.
FAILURE_SEED = 3
NDJSON = {"Content-Type": "application/x-ndjson"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def standin() -> Iterator[QueueStandIn]:
    server = QueueStandIn().start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def worker(worker_bundle: WorkerBundle, standin: QueueStandIn) -> Iterator[RunningWorker]:
    standin.reset()
    with running_queue_worker(
        worker_bundle, QUEUE_SETTINGS, standin_url=standin.url, text_bindings=BINDINGS
    ) as w:
        yield w


@pytest.fixture()
def clean(standin: QueueStandIn) -> QueueStandIn:
    standin.reset()
    return standin


def ingest(url: str, body: bytes, headers: dict[str, str] | None = None) -> dict[str, object]:
    reply = call(url, "POST", "/ingest", headers={**bearer(), **(headers or {})}, body=body)
    assert reply.status == 202, reply.body
    result: dict[str, object] = json.loads(reply.body)
    return result


def bodies_seen(requests: list[BentoRequest]) -> list[bytes]:
    return [part.body for request in requests for part in request.parts]


def wait_for(condition: Callable[[], bool], timeout_s: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def wait_for_bodies(
    standin: QueueStandIn, expected: list[bytes], timeout_s: float = 60.0
) -> list[BentoRequest]:
    wanted = Counter(expected)

    def arrived() -> bool:
        seen = Counter(bodies_seen(standin.snapshot()[0]))
        return all(seen[body] >= count for body, count in wanted.items())

    wait_for(arrived, timeout_s, f"{len(expected)} message(s) to reach Bento")
    return standin.snapshot()[0]


# --- 1,000 messages through the real queue: retries, cold start, dead letters ---------------------


def test_thousand_messages_none_lost_dlq_exactly_the_exhausted_ones(
    worker_bundle: WorkerBundle, standin: QueueStandIn
) -> None:
    started = time.monotonic()
    standin.reset(QueueKnobs(listen_after_s=3.0, failures=FailurePlan(seed=FAILURE_SEED, per_ten=2)))
    expected = [json.dumps({"n": n, "pad": "x" * (n % 7)}).encode() for n in range(1000)]
    consumer = QueueConsumerConfig(max_batch_size=10, max_batch_timeout_s=0.05, max_retries=MAX_RETRIES)
    with running_queue_worker(
        worker_bundle, QUEUE_SETTINGS, standin_url=standin.url, text_bindings=BINDINGS, consumer=consumer
    ) as w:
        # Half as NDJSON, half as JSON arrays, 100 messages per ingest request.
        for start in range(0, 1000, 100):
            chunk = expected[start : start + 100]
            if start % 200 == 0:
                assert ingest(w.url, b"\n".join(chunk) + b"\n", NDJSON) == {"accepted": 100}
            else:
                assert ingest(w.url, b"[" + b",\n ".join(chunk) + b"]", JSON) == {"accepted": 100}

        def settled() -> bool:
            requests, invocations, dead = standin.snapshot()
            accepted = {i for r in requests if r.accepted for i in r.ids}
            done = len(accepted | {d.id for d in dead}) == 1000
            # ... and quiet: every Bento request has its invocation report, nothing new for 0.3 s.
            quiet = bool(requests) and time.monotonic() - requests[-1].at > 0.3
            return done and quiet and len(invocations) >= len(requests)

        wait_for(settled, timeout_s=240, what="every message to be accepted or dead-lettered")
        requests, invocations, dead = standin.snapshot()

    ids_of: dict[bytes, str] = {}  # body -> message id, from the part headers
    for request in requests:
        for part in request.parts:
            ids_of.setdefault(part.body, part.headers["x-bento-cf-message-id"])

    # Every message reached Bento at least once.
    assert set(bodies_seen(requests)) == set(expected)
    assert len(ids_of) == 1000 and len(set(ids_of.values())) == 1000

    # What Bento received as one request is exactly one queue batch, in order, and the Worker
    # acknowledged it only when Bento answered 2xx (retryAll with retryDelaySeconds otherwise).
    assert len(invocations) == len(requests), "every consumer invocation reached Bento once (no budget miss)"
    # A retried batch can come back whole, so a delivery is keyed by its ids and their attempts.
    by_key = {(tuple(r.ids), r.headers["x-bento-cf-attempts"]): r for r in requests}
    assert len(by_key) == len(requests)
    for invocation in invocations:
        key = (tuple(invocation.ids), ",".join(str(a) for a in invocation.attempts))
        request = by_key.pop(key)
        assert request.headers["x-bento-cf-message-ids"] == ",".join(invocation.ids)
        assert [int(p.headers["x-bento-cf-attempts"]) for p in request.parts] == invocation.attempts
        if request.accepted:
            assert (invocation.ack_all, invocation.retry_all) == (1, 0)
        else:
            assert (invocation.ack_all, invocation.retry_all, invocation.delay_seconds) == (0, 1, 0)

    # Seeded plan: exactly 2 of every 10 Bento requests failed.
    assert sum(not r.accepted for r in requests[: len(requests) // 10 * 10]) == len(requests) // 10 * 2

    # The dead-letter queue holds exactly the messages that failed max_retries + 1 times.
    failures = Counter(i for r in requests if not r.accepted for i in r.ids)
    acceptances = Counter(i for r in requests if r.accepted for i in r.ids)
    exhausted = {i for i, n in failures.items() if n >= MAX_RETRIES + 1}
    dead_ids = [d.id for d in dead]
    assert len(dead_ids) == len(set(dead_ids)), "a message was dead-lettered twice"
    assert set(dead_ids) == exhausted
    assert all(failures[i] == MAX_RETRIES + 1 for i in exhausted)
    assert {d.body.encode() for d in dead} == {b for b, i in ids_of.items() if i in exhausted}
    # None lost: every other message was accepted by Bento; dead letters never were.
    assert set(acceptances) | exhausted == set(ids_of.values())
    assert not set(acceptances) & exhausted

    # The cold start (3 s) was waited for, not failed: the first request came after it.
    assert requests[0].at - started >= 3.0
    duplicates = sum(n - 1 for n in acceptances.values() if n > 1)
    deliveries = sum(len(r.parts) for r in requests)
    print(
        f"\n1000 messages: {len(requests)} Bento requests ({sum(not r.accepted for r in requests)} failed), "
        f"{deliveries} deliveries, {len(exhausted)} dead-lettered, {duplicates} duplicate acceptances, "
        f"max attempts {max(max(inv.attempts) for inv in invocations)}, "
        f"{time.monotonic() - started:.1f} s"
    )
    assert duplicates == 0, "the stand-in never fails after taking a batch, so nothing is taken twice"


def test_messages_past_max_retries_go_to_the_dead_letter_queue_after_exactly_four_attempts(
    worker_bundle: WorkerBundle, standin: QueueStandIn
) -> None:
    standin.reset(QueueKnobs(failures=FailurePlan(fail_all=True)))
    expected = [f"doomed-{n}".encode() for n in range(25)]
    with running_queue_worker(
        worker_bundle, QUEUE_SETTINGS, standin_url=standin.url, text_bindings=BINDINGS
    ) as w:
        assert ingest(w.url, b"\n".join(json.dumps(b.decode()).encode() for b in expected), NDJSON) == {
            "accepted": 25
        }
        wait_for(lambda: len(standin.snapshot()[2]) == 25, timeout_s=120, what="25 dead letters")
        time.sleep(0.3)
        requests, invocations, dead = standin.snapshot()
    per_message = Counter(i for r in requests for i in r.ids)
    assert set(per_message.values()) == {MAX_RETRIES + 1}
    assert sorted(int(a) for r in requests for a in r.headers["x-bento-cf-attempts"].split(",")) == sorted(
        [1, 2, 3, 4] * 25
    )
    assert {d.id for d in dead} == set(per_message)
    assert all(inv.retry_all == 1 for inv in invocations)


# --- what Bento receives ----------------------------------------------------------------------------


def test_one_request_per_batch_parts_in_order_with_ids_attempts_and_timestamps(
    worker: RunningWorker, clean: QueueStandIn
) -> None:
    expected = [json.dumps({"k": n}).encode() for n in range(35)]
    ingest(worker.url, b"\n".join(expected), NDJSON)
    requests = wait_for_bodies(clean, expected)
    wait_for(lambda: len(clean.snapshot()[1]) >= len(requests), what="invocation reports")
    invocations = clean.snapshot()[1]
    assert sorted(tuple(r.ids) for r in requests) == sorted(tuple(i.ids) for i in invocations)
    assert all(len(r.parts) <= 10 for r in requests)
    for request in requests:
        headers = request.headers
        assert request.path == "/post"
        assert headers["content-type"].startswith("multipart/mixed; boundary=bento-cf-")
        assert headers["x-bento-cf-queue"] == "bento-cf-queue"
        assert headers["x-bento-cf-batch-size"] == str(len(request.parts))
        assert headers["x-bento-cf-message-ids"].split(",") == request.ids
        assert headers["x-bento-cf-attempts"].split(",") == [
            p.headers["x-bento-cf-attempts"] for p in request.parts
        ]
        stamps = headers["x-bento-cf-timestamps"].split(",")
        assert stamps == [p.headers["x-bento-cf-timestamp"] for p in request.parts]
        assert all(s.endswith("Z") and "T" in s for s in stamps)
        assert "authorization" not in headers
        assert all(p.headers["content-type"] == "application/octet-stream" for p in request.parts)
    assert sorted(bodies_seen(requests)) == sorted(expected)


def test_bytes_pass_unchanged_even_when_they_look_like_a_boundary(
    worker: RunningWorker, clean: QueueStandIn
) -> None:
    tricky = [
        bytes(range(256)) * 3,
        b"\r\n--bento-cf-00000000000000000000000000000000\r\n\r\n--",
        b"",
        "ünïcødé ✓".encode(),
    ]
    for body in tricky:
        assert ingest(worker.url, body, {"Content-Type": "application/octet-stream"}) == {"accepted": 1}
    requests = wait_for_bodies(clean, tricky)
    assert sorted(bodies_seen(requests)) == sorted(tricky)


# --- the ingest endpoint ----------------------------------------------------------------------------


def test_ingest_json_array_one_message_per_element_exact_bytes(
    worker: RunningWorker, clean: QueueStandIn
) -> None:
    elements = [
        b'{"a": [1, 2, {"b": "],}{["}], "c": "\\"quoted\\", comma"}',
        b"12345678901234567890123",  # beyond float precision: must not be re-serialised
        b'"\xc3\xa9t\xc3\xa9 \\u2603"',
        b"[]",
        b"null",
    ]
    body = b"\xef\xbb\xbf [\n  " + b" ,\n\t".join(elements) + b"\n] "
    assert ingest(worker.url, body, {"Content-Type": "application/json; charset=utf-8"}) == {"accepted": 5}
    requests = wait_for_bodies(clean, elements)
    assert sorted(bodies_seen(requests)) == sorted(elements)


def test_ingest_json_object_is_one_message(worker: RunningWorker, clean: QueueStandIn) -> None:
    body = b'{"not": ["an", "array"]}'
    assert ingest(worker.url, body, JSON) == {"accepted": 1}
    assert bodies_seen(wait_for_bodies(clean, [body])) == [body]


def test_ingest_ndjson_one_message_per_line(worker: RunningWorker, clean: QueueStandIn) -> None:
    body = b'{"line": 1}\r\n\n  \n{"line": 2, "s": "a,b"}\n[3]'
    assert ingest(worker.url, body, NDJSON) == {"accepted": 3}
    expected = [b'{"line": 1}', b'{"line": 2, "s": "a,b"}', b"[3]"]
    assert sorted(bodies_seen(wait_for_bodies(clean, expected))) == sorted(expected)


def test_ingest_many_messages_are_split_into_send_batches(worker: RunningWorker, clean: QueueStandIn) -> None:
    # 250 messages (> 100 per sendBatch) and 5 x 100 kB (> 256 kB per sendBatch).
    small = [json.dumps(f"many-{n}").encode() for n in range(250)]
    assert ingest(worker.url, b"\n".join(small), NDJSON) == {"accepted": 250}
    big = [json.dumps(f"{n}" + "b" * 100_000).encode() for n in range(5)]
    assert ingest(worker.url, b"[" + b",".join(big) + b"]", JSON) == {"accepted": 5}
    requests = wait_for_bodies(clean, small + big, timeout_s=120)
    assert Counter(bodies_seen(requests)) == Counter(small + big)


def test_ingest_refuses_oversized_messages_with_413_and_queues_nothing(
    worker: RunningWorker, clean: QueueStandIn
) -> None:
    single = call(worker.url, "POST", "/ingest", headers=bearer(), body=b"x" * 128_001)
    assert single.status == 413
    assert json.loads(single.body) == {
        "error": "payload_too_large",
        "message": "the message is 128001 bytes; a queue message may be at most 128000 bytes",
    }
    in_array = b'["ok", "' + b"y" * 128_000 + b'"]'
    reply = call(worker.url, "POST", "/ingest", headers={**bearer(), **JSON}, body=in_array)
    assert reply.status == 413
    assert "message 2 is 128002 bytes" in json.loads(reply.body)["message"]
    too_many = b"\n".join(b"1" for _ in range(5001))
    reply = call(worker.url, "POST", "/ingest", headers={**bearer(), **NDJSON}, body=too_many)
    assert reply.status == 413
    assert "5001 messages" in json.loads(reply.body)["message"]
    # Exactly at the limit is fine.
    assert ingest(worker.url, b"z" * 128_000) == {"accepted": 1}
    requests = wait_for_bodies(clean, [b"z" * 128_000])
    assert bodies_seen(requests) == [b"z" * 128_000], "nothing of the refused requests was queued"


def test_ingest_refuses_malformed_json_and_ndjson_with_400(
    worker: RunningWorker, clean: QueueStandIn
) -> None:
    reply = call(worker.url, "POST", "/ingest", headers={**bearer(), **JSON}, body=b"[1, 2")
    assert reply.status == 400
    assert json.loads(reply.body)["error"] == "bad_request"
    reply = call(worker.url, "POST", "/ingest", headers={**bearer(), **NDJSON}, body=b'{"ok": 1}\nnot json\n')
    assert reply.status == 400
    assert "NDJSON line 2" in json.loads(reply.body)["message"]
    reply = call(worker.url, "POST", "/ingest", headers={**bearer(), **JSON}, body=b"\xff\xfe")
    assert reply.status == 400
    time.sleep(0.3)
    assert clean.snapshot()[0] == []


def test_ingest_needs_the_token_and_post(worker: RunningWorker, clean: QueueStandIn) -> None:
    missing = call(worker.url, "POST", "/ingest", body=b"x")
    assert missing.status == 401
    assert missing.header("WWW-Authenticate") == 'Bearer realm="bento-cf"'
    wrong = call(worker.url, "POST", "/ingest", headers=bearer("nope"), body=b"x")
    assert wrong.status == 401
    assert b"nope" not in wrong.body
    get = call(worker.url, "GET", "/ingest", headers=bearer())
    assert get.status == 405
    assert get.header("Allow") == "POST"
    time.sleep(0.3)
    assert clean.snapshot()[0] == []


def test_ping_ready_and_paths_that_are_not_served(worker: RunningWorker, clean: QueueStandIn) -> None:
    assert call(worker.url, "GET", "/ping").body == b"pong"
    assert call(worker.url, "GET", "/ready").status == 401
    ready = call(worker.url, "GET", "/ready", headers=bearer())
    assert ready.status == 200
    assert json.loads(ready.body) == {"ready": True}
    for path in ("/metrics", "/%6Detrics", "//streams", "/debug/pprof", "/post", "/ingest/more"):
        assert call(worker.url, "POST", path, headers=bearer(), body=b"x").status == 404, path
    assert clean.snapshot()[0] == [], "nothing but the consumer reaches Bento's input path"


# --- schedule, settings ------------------------------------------------------------------------------


def test_cron_trigger_posts_an_empty_object_to_the_schedule_path(
    worker: RunningWorker, clean: QueueStandIn
) -> None:
    reply = call(worker.url, "GET", "/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*")
    assert reply.status == 200
    (request,) = wait_for_bodies(clean, [b"{}"])
    assert request.path == "/post"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-bento-cf-trigger"] == "scheduled"
    assert request.headers["x-bento-cf-cron"] == "*/5 * * * *"


def test_no_schedule_means_the_cron_trigger_does_nothing(
    worker_bundle: WorkerBundle, standin: QueueStandIn
) -> None:
    standin.reset()
    settings = dataclasses.replace(QUEUE_SETTINGS, schedule=None)
    assert "schedule" not in settings.to_dict()
    with running_queue_worker(worker_bundle, settings, standin_url=standin.url, text_bindings=BINDINGS) as w:
        assert call(w.url, "GET", "/cdn-cgi/handler/scheduled?cron=*+*+*+*+*").status == 200
        time.sleep(0.3)
        assert "no schedule is configured" in w.log()
    assert standin.snapshot()[0] == []
    assert standin.starts == []


def test_queue_pattern_without_queue_settings_is_a_500_naming_the_field(
    worker_bundle: WorkerBundle, standin: QueueStandIn
) -> None:
    raw = QUEUE_SETTINGS.to_dict()
    del raw["queue"]
    with running_queue_worker(worker_bundle, raw, standin_url=standin.url, text_bindings=BINDINGS) as w:
        reply = call(w.url, "POST", "/ingest", headers=bearer(), body=b"x")
    assert reply.status == 500
    assert 'pattern "queue" needs a queue object' in json.loads(reply.body)["message"]
