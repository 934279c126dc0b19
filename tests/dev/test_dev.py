"""``bento-cf dev`` end to end: the planned Worker in workerd, forwarding to a Bento stand-in.

The upstream is the Bento stand-in of the Worker tests (tests/worker/bento_standin.py), a local
HTTP server that answers like Bento. Each server-starting test plans an example copied to tmp.
"""

from __future__ import annotations

import json
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from worker.bento_standin import BentoStandIn, Knobs

from bento_cf_component.cli.main import main
from bento_cf_component.dev.secrets import PLACEHOLDER, dev_secrets

from .devserver import (
    bento_cf,
    call,
    copy_example,
    missing_node_dependencies,
    refuses_connections,
    running_dev,
    wait_until,
)

TOKEN = "dev-test-token-51c0"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def node_ready() -> None:
    reason = missing_node_dependencies()
    if reason is not None:
        pytest.skip(f"bento-cf dev needs Node and the Worker's JS packages: {reason}")


@pytest.fixture()
def upstream() -> Iterator[BentoStandIn]:
    server = BentoStandIn().start()
    yield server
    server.close()


def test_request_pattern_forwards_to_the_upstream_and_stops_on_sigint(
    node_ready: None, upstream: BentoStandIn, tmp_path: Path
) -> None:
    program = copy_example("request-driven", tmp_path)
    with running_dev(program, upstream.url, {"BENTO_CF_ACCESS_TOKEN": TOKEN}) as dev:
        output = dev.output()
        assert "pattern request" in output
        assert f"upstream      {upstream.url}" in output and "it answers /ping" in output
        assert "BENTO_CF_ACCESS_TOKEN: from the environment" in output
        assert TOKEN not in output  # a token from the environment is never printed
        assert "POST  /post" in output

        ping = call(dev.url, "GET", "/ping")
        assert (ping.status, ping.body) == (200, b"pong")

        body = b'{"hello":"world"}'
        reply = call(
            dev.url, "POST", "/post?x=1", headers={**BEARER, "Content-Type": "application/json"}, body=body
        )
        assert reply.status == 200, reply.body
        assert reply.body == body  # the stand-in's echo, unchanged
        assert reply.headers["content-type"] == "application/json"
        assert reply.headers["x-echo-method"] == "POST" and reply.headers["x-echo-query"] == "x=1"
        forwarded = [r for r in upstream.requests if r.path == "/post?x=1"]
        assert len(forwarded) == 1 and forwarded[0].body == body
        assert "authorization" not in forwarded[0].headers  # the Worker's token stays with the Worker

        seen = len(upstream.requests)
        assert call(dev.url, "POST", "/post", body=body).status == 401
        assert (
            call(dev.url, "POST", "/post", headers={"Authorization": "Bearer wrong"}, body=body).status == 401
        )
        assert call(dev.url, "GET", "/metrics", headers=BEARER).status == 404
        assert call(dev.url, "GET", "/debug/pprof/heap", headers=BEARER).status == 404
        assert len(upstream.requests) == seen  # none of those reached Bento

        assert dev.stop(signal.SIGINT) == 0
        assert "bento-cf dev: stopped" in dev.output()
        assert "Traceback" not in dev.output()
        assert refuses_connections(dev.url)  # workerd went with it


def test_queue_pattern_delivers_ingested_messages_as_one_batch_and_stops_on_sigterm(
    node_ready: None, upstream: BentoStandIn, tmp_path: Path
) -> None:
    upstream.reset(Knobs(input_path="/batch"))
    program = copy_example("queue-batch", tmp_path)
    with running_dev(program, upstream.url, {"BENTO_CF_ACCESS_TOKEN": TOKEN}) as dev:
        assert "pattern queue" in dev.output()
        assert "POST  /ingest" in dev.output() and "local queue shop-events" in dev.output()

        # max_batch_size is 50 in the example: a full batch is delivered without waiting.
        messages = [{"n": n} for n in range(50)]
        headers = {**BEARER, "Content-Type": "application/json"}
        reply = call(dev.url, "POST", "/ingest", headers=headers, body=json.dumps(messages).encode())
        assert (reply.status, json.loads(reply.body)) == (202, {"accepted": 50})

        def batches() -> list[bytes]:
            return [r.body for r in upstream.requests if r.method == "POST" and r.path == "/batch"]

        assert wait_until(lambda: batches(), timeout_s=20), dev.output()
        batch = next(r for r in upstream.requests if r.path == "/batch")
        assert batch.headers["content-type"].startswith("multipart/")
        assert batch.headers["x-bento-cf-batch-size"] == "50"
        # Each element's exact bytes become one part, in order.
        parts = [f'\r\n\r\n{{"n": {n}}}\r\n'.encode() for n in range(50)]
        assert all(part in batch.body for part in parts)
        assert len(batches()) == 1

        assert dev.stop(signal.SIGTERM) == 0
        assert "bento-cf dev: stopped" in dev.output()
        assert refuses_connections(dev.url)


def test_an_upstream_that_does_not_answer_gives_a_503_and_a_clear_log_line(
    node_ready: None, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        silent = f"http://127.0.0.1:{probe.getsockname()[1]}"
    program = copy_example("request-driven", tmp_path)
    with running_dev(program, silent, {"BENTO_CF_ACCESS_TOKEN": TOKEN}) as dev:
        assert "NOT answering yet" in dev.output() and "start Bento there" in dev.output()
        started = time.monotonic()
        reply = call(dev.url, "POST", "/post", headers=BEARER, body=b"x")
        # At once, not after the 20 s startup budget: the stand-in "exits" when /ping fails.
        assert reply.status == 503 and reply.headers["retry-after"] == "10"
        assert time.monotonic() - started < 10
        assert wait_until(lambda: f"upstream {silent} does not answer /ping" in dev.output())
        assert dev.stop(signal.SIGINT) == 0


def test_durable_object_pattern_routes_tenants_and_keeps_their_state_on_disk(
    node_ready: None, upstream: BentoStandIn, tmp_path: Path
) -> None:
    program = copy_example("per-tenant", tmp_path)
    env = {"BENTO_CF_ACCESS_TOKEN": TOKEN, "BENTO_CF_ADMIN_TOKEN": "dev-admin-token"}
    with running_dev(program, upstream.url, env) as dev:
        assert "POST  /t/<tenant>/post" in dev.output()
        reply = call(dev.url, "POST", "/t/acme/post", headers=BEARER, body=b"for acme")
        assert (reply.status, reply.body) == (200, b"for acme")
        assert any(r.path == "/post" and r.body == b"for acme" for r in upstream.requests)
        assert call(dev.url, "POST", "/t/Not_A_Tenant!/post", headers=BEARER, body=b"x").status == 400

        admin = call(
            dev.url, "GET", "/_bento-cf/tenants/acme", headers={"Authorization": "Bearer dev-admin-token"}
        )
        assert admin.status == 200 and json.loads(admin.body)["requestCount"] == 1
        assert dev.stop(signal.SIGINT) == 0
    state = program / ".bento-cf" / "dev" / "dev-state"
    assert any(path.is_file() for path in state.rglob("*")), "Durable Object state was not persisted"


def test_dev_secrets_come_from_the_environment_or_are_generated() -> None:
    settings = {"pattern": "request", "access": {"mode": "bearer"}, "secretEnvNames": ["API_KEY", "DB"]}
    given = dev_secrets(settings, {"BENTO_CF_ACCESS_TOKEN": "t0k", "API_KEY": "k"})
    assert given.bindings == {"BENTO_CF_ACCESS_TOKEN": "t0k", "API_KEY": "k", "DB": PLACEHOLDER}
    assert given.generated == {} and given.placeholders == ("DB",)
    made = dev_secrets(settings, {})
    assert len(made.generated["BENTO_CF_ACCESS_TOKEN"]) >= 32
    assert made.access_token == made.generated["BENTO_CF_ACCESS_TOKEN"]
    assert dev_secrets(settings, {}).access_token != made.access_token  # fresh for each run
    public = dev_secrets({"pattern": "request", "access": {"mode": "public"}, "secretEnvNames": []}, {})
    assert public.bindings == {}


@pytest.mark.parametrize(
    ("upstream_url", "expected"),
    [
        ("127.0.0.1:4195", "not an http(s) URL"),
        ("ftp://127.0.0.1:4195", "not an http(s) URL"),
        ("http://127.0.0.1:99999", "--upstream 'http://127.0.0.1:99999'"),
        ("http://127.0.0.1:4195/prefix", "give only scheme, host and port"),
    ],
)
def test_a_bad_upstream_url_is_one_line_naming_the_fix(
    upstream_url: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process: the checks run before the plan, and the CLI's own start-up is slow to repeat.
    code = main(["dev", "--stack", "dev", "--cwd", "examples/request-driven", "--upstream", upstream_url])
    captured = capsys.readouterr()
    assert code == 1
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "--upstream http://127.0.0.1:4195" in lines[0]
    assert "Traceback" not in captured.err and captured.out == ""


def test_a_port_in_use_is_one_line_naming_the_fix(
    node_ready: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["dev", "--stack", "dev", "--cwd", "examples/request-driven", "--port", str(port)])
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        f"error: --port {port}: 127.0.0.1:{port} is in use; stop what listens there or pick another --port"
    )


def test_missing_node_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    result = bento_cf(
        "dev", "--stack", "dev", "--cwd", "examples/request-driven", env={"PATH": str(tmp_path)}
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "error: bento-cf dev needs Node.js 20+ on PATH; install it, then rerun"
