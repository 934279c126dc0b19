"""The request-driven Worker in workerd, against the Bento stand-in: the warm path.

One workerd for the module (instances stay started between tests); the stand-in's knobs and
records are reset before each test.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from bento_cf_component.worker.bundle import WorkerBundle

from .bento_standin import BentoStandIn, Knobs, Reply
from .conftest import BASE_SETTINGS, SECRETS, TOKEN, bearer, call
from .workerd import RunningWorker, running_worker


@pytest.fixture(scope="module")
def worker(worker_bundle: WorkerBundle, standin: BentoStandIn) -> Iterator[RunningWorker]:
    bindings = {"BENTO_CF_ACCESS_TOKEN": TOKEN, **SECRETS}
    with running_worker(worker_bundle, BASE_SETTINGS, standin_url=standin.url, text_bindings=bindings) as w:
        yield w


@pytest.fixture(autouse=True)
def clean_standin(standin: BentoStandIn) -> None:
    standin.reset()


def input_requests(standin: BentoStandIn) -> list[str]:
    return [r.path for r in standin.requests if r.path.startswith("/post")]


# --- replies come back unchanged ---------------------------------------------------------------


def test_echo_keeps_method_query_headers_and_body_bytes(worker: RunningWorker, standin: BentoStandIn) -> None:
    body = bytes(range(256)) * 4  # not UTF-8: must pass as bytes
    reply = call(
        worker.url,
        "POST",
        "/post?tenant=a%20b&n=1&n=2",
        headers={**bearer(), "Content-Type": "application/x-thing", "X-Custom": "kept"},
        body=body,
    )

    assert reply.status == 200
    assert reply.body == body
    assert reply.header("X-Echo-Query") == "tenant=a%20b&n=1&n=2"
    assert reply.header("X-Echo-Method") == "POST"
    assert reply.header("Content-Type") == "application/x-thing"
    assert reply.header("Content-Length") == str(len(body))
    (received,) = [r for r in standin.requests if r.path.startswith("/post")]
    assert received.path == "/post?tenant=a%20b&n=1&n=2"
    assert received.headers["x-custom"] == "kept"
    assert received.body == body


def test_configured_reply_status_headers_and_chunked_body_unchanged(
    worker: RunningWorker, standin: BentoStandIn
) -> None:
    chunks = [b"id,name\n", b"1,alpha\n", b"2,\xce\xb2eta\n"]
    standin.reset(
        Knobs(
            reply=Reply(
                status=201,
                headers=[
                    ("Content-Type", "text/csv"),
                    ("X-Bento-Trace", "t-42"),
                    ("Cache-Control", "private"),
                ],
                chunks=chunks,
            )
        )
    )
    reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"{}")

    assert reply.status == 201
    assert reply.header("Content-Type") == "text/csv"
    assert reply.header("X-Bento-Trace") == "t-42"
    assert reply.header("Cache-Control") == "private"
    assert reply.body == b"".join(chunks)


def test_bento_error_reply_passes_through(worker: RunningWorker, standin: BentoStandIn) -> None:
    standin.reset(
        Knobs(reply=Reply(status=502, headers=[("Content-Type", "text/plain")], chunks=[b"nack: boom"]))
    )
    reply = call(worker.url, "POST", "/post", headers=bearer(), body=b"x")
    assert reply.status == 502
    assert reply.body == b"nack: boom"


def test_reply_body_is_streamed_not_buffered(worker: RunningWorker, standin: BentoStandIn) -> None:
    release = threading.Event()
    first, rest = b"first-part|", b"second-part"
    standin.reset(Knobs(reply=Reply(chunks=[first, rest], hold_after_first_chunk=release)))
    parts = urlsplit(worker.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        started = time.monotonic()
        connection.request("POST", "/post", body=b"x", headers=bearer())
        response = connection.getresponse()
        head = response.read(len(first))  # arrives while Bento still holds the rest back
        waited = time.monotonic() - started
        release.set()
        tail = response.read()
    finally:
        release.set()
        connection.close()
    assert head == first
    assert waited < 5, f"first chunk took {waited:.1f}s: the reply was buffered"
    assert tail == rest


def test_request_body_is_streamed_not_buffered(worker: RunningWorker, standin: BentoStandIn) -> None:
    parts = urlsplit(worker.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    chunks = [b"chunk-one;", b"chunk-two;", b"chunk-three"]
    try:
        connection.putrequest("POST", "/post?stream=1")
        for name, value in {**bearer(), "Transfer-Encoding": "chunked", "Content-Type": "text/plain"}.items():
            connection.putheader(name, value)
        connection.endheaders()
        connection.send(b"%x\r\n%s\r\n" % (len(chunks[0]), chunks[0]))
        # Bento must see the first chunk before the client has sent the rest.
        reached_bento_early = standin.first_body_chunk.wait(timeout=10)
        for chunk in chunks[1:]:
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert reached_bento_early, "the Worker buffered the request body"
    assert response.status == 200
    assert body == b"".join(chunks)
    assert response.getheader("X-Echo-Query") == "stream=1"


# --- access ------------------------------------------------------------------------------------


def test_missing_token_is_401_with_bearer_challenge(worker: RunningWorker, standin: BentoStandIn) -> None:
    reply = call(worker.url, "POST", "/post", body=b"x")
    assert reply.status == 401
    assert (reply.header("WWW-Authenticate") or "").startswith("Bearer")
    assert json.loads(reply.body)["error"] == "unauthorized"
    assert input_requests(standin) == []


@pytest.mark.parametrize(
    "authorization",
    ["Bearer wrong-token-77", f"Bearer {TOKEN}x", f"Basic {TOKEN}", f"Bearer{TOKEN}", "Bearer "],
)
def test_wrong_token_is_401_and_never_echoed(
    worker: RunningWorker, standin: BentoStandIn, authorization: str
) -> None:
    reply = call(worker.url, "POST", "/post", headers={"Authorization": authorization}, body=b"x")
    assert reply.status == 401
    assert "invalid_token" in (reply.header("WWW-Authenticate") or "") or authorization.strip() == "Bearer"
    given = authorization.split(" ", 1)[-1].strip()
    if given:
        assert given.encode() not in reply.body
        assert all(given not in value for _, value in reply.headers)
    assert input_requests(standin) == []


def test_right_token_is_200_and_not_forwarded(worker: RunningWorker, standin: BentoStandIn) -> None:
    reply = call(worker.url, "POST", "/post", headers={"Authorization": f"bearer {TOKEN}"}, body=b"x")
    assert reply.status == 200
    (received,) = [r for r in standin.requests if r.path == "/post"]
    assert "authorization" not in received.headers


def test_hop_by_hop_headers_are_not_forwarded(worker: RunningWorker, standin: BentoStandIn) -> None:
    headers = {
        **bearer(),
        "Proxy-Authorization": "Basic cHJveHk6cHc=",
        "Keep-Alive": "timeout=5",
        "Connection": "keep-alive, X-Per-Hop",
        "X-Per-Hop": "drop me",
        "X-End-To-End": "keep me",
    }
    assert call(worker.url, "POST", "/post", headers=headers, body=b"x").status == 200
    (received,) = [r for r in standin.requests if r.path == "/post"]
    for name in ("proxy-authorization", "keep-alive", "connection", "x-per-hop", "authorization"):
        assert name not in received.headers
    assert received.headers["x-end-to-end"] == "keep me"


# --- routing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/metrics",
        "/stats",
        "/debug/pprof/heap",
        "/debug/config/yaml",
        "/version",
        "/endpoints",
        "/streams",
        "/streams/foo",
        "/bento/metrics",
        "/bento/post",
        "/bento/ready",
        "/%6Detrics",
        "//metrics",
        "/post/../metrics",
        "/post%2F..%2Fmetrics",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_management_paths_are_404_and_never_reach_bento(
    worker: RunningWorker, standin: BentoStandIn, path: str, method: str
) -> None:
    reply = call(worker.url, method, path, headers=bearer(), body=b"x" if method == "POST" else None)
    assert reply.status == 404
    assert json.loads(reply.body)["error"] == "not_found"
    assert standin.requests == []


def test_other_paths_are_404(worker: RunningWorker, standin: BentoStandIn) -> None:
    for path in ("/", "/post/", "/postx", "/favicon.ico", "/post/ws"):
        assert call(worker.url, "POST", path, headers=bearer(), body=b"x").status == 404, path
    assert standin.requests == []


def test_wrong_method_on_input_path_is_405(worker: RunningWorker, standin: BentoStandIn) -> None:
    reply = call(worker.url, "GET", "/post", headers=bearer())
    assert reply.status == 405
    assert reply.header("Allow") == "POST"
    assert standin.requests == []


def test_ping_is_answered_by_the_worker(worker: RunningWorker, standin: BentoStandIn) -> None:
    reply = call(worker.url, "GET", "/ping")
    assert (reply.status, reply.body) == (200, b"pong")
    assert standin.requests == []
    assert standin.starts == []


def test_ready_reflects_bento_ready(worker: RunningWorker, standin: BentoStandIn) -> None:
    reply = call(worker.url, "GET", "/ready", headers=bearer())
    assert reply.status == 200
    assert json.loads(reply.body) == {"ready": True}
    assert "/ready" in standin.paths_seen()

    standin.reset(Knobs(ready_status=503))
    reply = call(worker.url, "GET", "/ready", headers=bearer())
    assert reply.status == 503
    assert reply.header("Retry-After") == "7"
    assert json.loads(reply.body)["ready"] is False


def test_ready_needs_the_token_in_bearer_mode(worker: RunningWorker, standin: BentoStandIn) -> None:
    assert call(worker.url, "GET", "/ready").status == 401
    assert standin.requests == []


# --- instances ---------------------------------------------------------------------------------


def test_random_choice_spreads_over_all_instances(worker: RunningWorker, standin: BentoStandIn) -> None:
    seen = {
        call(worker.url, "POST", "/post", headers=bearer(), body=b"x").header("x-standin-instance")
        for _ in range(60)
    }
    # 60 draws over 3 instances miss one with probability 3 * (2/3)^60, about 1e-10.
    assert seen == {"instance-0", "instance-1", "instance-2"}
