"""The Worker in workerd with a fresh set of container instances per test: starts, cold starts,
containers that never come up, settings variants (sticky, public, accepted, misconfigured)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from .bento_standin import BentoStandIn, Knobs, Reply
from .conftest import BASE_SETTINGS, SECRETS, TOKEN, WorkerFactory, bearer, call, settings_with

# Slack on top of the startup budget for workerd, the stand-in and the test client.
BUDGET_SLACK_S = 1.5


def fnv1a_index(value: str, count: int) -> int:
    """The Worker's sticky choice (src/instances.js), recomputed independently."""
    digest = 0x811C9DC5
    for byte in value.encode():
        digest = ((digest ^ byte) * 0x01000193) % 2**32
    return digest % count


def test_env_vars_and_secrets_reach_the_container_start_as_strings(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    with fresh_worker() as worker:
        assert call(worker.url, "POST", "/post", headers=bearer(), body=b"x").status == 200
    (start,) = standin.starts
    assert start.env == {"LOG_LEVEL": "info", "BATCH": "10", **SECRETS}
    assert all(isinstance(value, str) for value in start.env.values())
    assert "BENTO_CF_ACCESS_TOKEN" not in start.env


def test_ping_starts_no_container(fresh_worker: WorkerFactory, standin: BentoStandIn) -> None:
    standin.reset()
    with fresh_worker() as worker:
        for _ in range(5):
            assert call(worker.url, "GET", "/ping").body == b"pong"
        assert call(worker.url, "HEAD", "/ping").status == 200
    assert standin.starts == []
    assert standin.requests == []


def test_ready_starts_the_instance_and_asks_bento(fresh_worker: WorkerFactory, standin: BentoStandIn) -> None:
    standin.reset(Knobs(listen_after_s=1.0))
    with fresh_worker() as worker:
        reply = call(worker.url, "GET", "/ready", headers=bearer())
    assert reply.status == 200
    assert len(standin.starts) == 1
    assert "/ready" in standin.paths_seen()


def test_cold_start_of_3s_is_waited_for(fresh_worker: WorkerFactory, standin: BentoStandIn) -> None:
    standin.reset(Knobs(listen_after_s=3.0))
    with fresh_worker() as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"after the cold start")
    assert reply.status == 200
    assert reply.body == b"after the cold start"
    assert reply.elapsed_s >= 2.9
    assert reply.elapsed_s < 3.0 + BUDGET_SLACK_S


def test_concurrent_requests_during_a_cold_start_share_one_start(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset(Knobs(listen_after_s=1.0))
    with fresh_worker(settings_with(instance_count=1)) as worker, ThreadPoolExecutor(8) as pool:
        replies = list(
            pool.map(
                lambda n: call(worker.url, "POST", "/post", headers=bearer(), body=b"%d" % n),
                range(8),
            )
        )
    assert [r.status for r in replies] == [200] * 8
    assert sorted(r.body for r in replies) == sorted(b"%d" % n for n in range(8))
    assert len(standin.starts) == 1


def test_container_that_never_comes_up_is_503_with_retry_after_within_budget(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset(Knobs(never_listen=True))
    with fresh_worker(settings_with(startup_budget_ms=1500, retry_after_seconds=9)) as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
        ready = call(worker.url, "GET", "/ready", headers=bearer())
    assert reply.status == 503
    assert reply.header("Retry-After") == "9"
    assert json.loads(reply.body)["error"] == "container_unavailable"
    assert 1.4 <= reply.elapsed_s < 1.5 + BUDGET_SLACK_S
    assert ready.status == 503
    assert ready.header("Retry-After") == "9"
    assert [p for p in standin.paths_seen() if p.startswith("/post")] == []


def test_container_listening_on_another_port_is_503(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset(Knobs(port=8080))  # Bento bound elsewhere: the configured port never answers
    with fresh_worker(settings_with(startup_budget_ms=1000)) as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
    assert reply.status == 503
    assert reply.header("Retry-After") == "7"


def test_container_that_crashes_on_start_is_503_without_internals(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset(Knobs(exit_code=1))
    with fresh_worker(settings_with(startup_budget_ms=3000)) as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
    assert reply.status == 503
    assert reply.header("Retry-After") == "7"
    text = reply.body.decode()
    assert json.loads(text)["error"] == "container_unavailable"
    assert "exit code" not in text
    assert ".js" not in text


def test_sticky_header_keeps_each_value_on_its_instance(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    values = [f"tenant-{n}" for n in range(12)]
    with fresh_worker(settings_with(instance_count=5, sticky_header="X-Tenant")) as worker:
        chosen: dict[str, set[str | None]] = {}
        for _ in range(3):
            for value in values:
                reply = call(worker.url, "POST", "/post", headers={**bearer(), "X-Tenant": value}, body=b"x")
                assert reply.status == 200
                chosen.setdefault(value, set()).add(reply.header("x-standin-instance"))
    assert all(len(instances) == 1 for instances in chosen.values()), chosen
    # The mapping is the documented hash, so it is stable across deploys and isolates.
    assert {v: next(iter(i)) for v, i in chosen.items()} == {
        v: f"instance-{fnv1a_index(v, 5)}" for v in values
    }
    assert len({next(iter(i)) for i in chosen.values()}) >= 3


def test_public_mode_needs_no_token_and_passes_authorization_on(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    with fresh_worker(settings_with(access_mode="public"), text_bindings=SECRETS) as worker:
        assert call(worker.url, "POST", "/post", body=b"x").status == 200
        reply = call(worker.url, "POST", "/post", headers={"Authorization": "Basic Ym9iOnB3"}, body=b"y")
        assert call(worker.url, "GET", "/ready").status == 200
        assert call(worker.url, "GET", "/metrics").status == 404
    assert reply.status == 200
    # Not our token in public mode: it is Bento's (e.g. http.basic_auth) to check.
    assert [r.headers.get("authorization") for r in standin.requests if r.path == "/post"] == [
        None,
        "Basic Ym9iOnB3",
    ]


def test_accepted_mode_answers_202_once_bento_accepted(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset(Knobs(input_methods=("POST", "PUT")))
    with fresh_worker(settings_with(response_mode="accepted", input_methods=("POST", "PUT"))) as worker:
        accepted = call(worker.url, "PUT", "/post", headers=bearer(), body=b"event")
        standin.reset(Knobs(input_methods=("POST", "PUT"), reply=Reply(status=502, chunks=[b"nack"])))
        refused = call(worker.url, "POST", "/post", headers=bearer(), body=b"event")
    assert accepted.status == 202
    assert json.loads(accepted.body) == {"status": "accepted"}
    assert refused.status == 502
    assert refused.body == b"nack"


def test_input_path_with_variable_and_prefix(fresh_worker: WorkerFactory, standin: BentoStandIn) -> None:
    standin.reset(Knobs(input_path="/in/acme/orders"))
    with fresh_worker(settings_with(input_path="/in/{tenant}/orders")) as worker:
        assert call(worker.url, "POST", "/in/acme/orders", headers=bearer(), body=b"x").status == 200
        assert call(worker.url, "POST", "/in/acme/x/orders", headers=bearer(), body=b"x").status == 404
    assert [r.path for r in standin.requests if r.method == "POST"] == ["/in/acme/orders"]

    standin.reset(Knobs(input_path="/"))
    with fresh_worker(settings_with(input_path="/")) as worker:
        assert call(worker.url, "POST", "/", headers=bearer(), body=b"x").status == 200
        # Forwarded: Bento itself answers 404 for paths it does not serve.
        assert call(worker.url, "POST", "/any/thing", headers=bearer(), body=b"x").status == 404
        # A catch-all input path still never exposes the management API.
        assert call(worker.url, "POST", "/metrics", headers=bearer(), body=b"x").status == 404
        assert call(worker.url, "GET", "/debug/pprof/heap", headers=bearer()).status == 404
    assert [r.path for r in standin.requests if r.method == "POST"] == ["/", "/any/thing"]


def test_unknown_pattern_is_500_with_a_clear_message(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    # A pattern no Worker build knows (RuntimeSettings would refuse it, so a raw mapping).
    with fresh_worker({**BASE_SETTINGS.to_dict(), "pattern": "streaming"}) as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
    assert reply.status == 500
    body = json.loads(reply.body)
    assert body["error"] == "worker_misconfigured"
    assert 'pattern "streaming" is not supported' in body["message"]


def test_bearer_mode_without_token_binding_fails_closed(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    with fresh_worker(text_bindings=SECRETS) as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
    assert reply.status == 500
    assert "BENTO_CF_ACCESS_TOKEN" in json.loads(reply.body)["message"]
    assert standin.requests == []


def test_missing_secret_binding_is_500_naming_it_not_its_value(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    with fresh_worker(
        text_bindings={"BENTO_CF_ACCESS_TOKEN": TOKEN, "API_KEY": SECRETS["API_KEY"]}
    ) as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
    assert reply.status == 500
    message = json.loads(reply.body)["message"]
    assert "DB_PASSWORD" in message
    assert SECRETS["API_KEY"] not in reply.body.decode()
    assert standin.starts == []


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"extra": 1}, 'unknown key "extra"'),
        ({"sleepAfter": "10 minutes"}, "sleepAfter"),
        ({"instances": {"count": 0, "stickyHeader": None}}, "instances.count"),
        ({"port": "4195"}, "port"),
    ],
)
def test_settings_the_worker_cannot_use_are_500_naming_the_field(
    fresh_worker: WorkerFactory, standin: BentoStandIn, change: dict[str, object], needle: str
) -> None:
    standin.reset()
    with fresh_worker({**BASE_SETTINGS.to_dict(), **change}) as worker:
        reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
        ping = call(worker.url, "GET", "/ping")
    assert reply.status == 500
    assert needle in json.loads(reply.body)["message"]
    assert ping.status == 500  # nothing is served on settings the Worker cannot trust
    assert standin.requests == []
