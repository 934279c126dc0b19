"""The durable-object pattern in workerd: one Durable Object and one Bento container per tenant.

The real Worker bundle runs in miniflare in front of the Bento stand-in; the stand-in records
which container (Durable Object name) served each request and which env each container started
with, so cross-tenant deliveries are visible.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bento_cf_component.worker.bundle import WorkerBundle
from bento_cf_component.worker.runtime_settings import RuntimeSettings
from bento_cf_component.worker.tenant_runtime import KeepWarmRuntime, TenantRuntime

from .bento_standin import BentoStandIn, Knobs, Reply
from .conftest import BASE_SETTINGS, TOKEN, WorkerFactory, bearer, call
from .websocket_standin import BENTO_CLOSE_CODE, BENTO_CLOSE_REASON, CLOSE, CLOSE_FROM_BENTO, WebSocketClient
from .workerd import RunningWorker, start_worker, wait_until

ADMIN_TOKEN = "admin-token-77aa1c"
ADMIN = "/_bento-cf/tenants"

TENANT_SETTINGS = dataclasses.replace(
    BASE_SETTINGS,
    pattern="durable-object",
    instance_count=1,
    env_vars={"LOG_LEVEL": "info"},
    secret_env_names=("API_KEY",),
    tenant=TenantRuntime(),
    ws_path="/post/ws",
    admin_path=ADMIN,
)
BINDINGS = {"BENTO_CF_ACCESS_TOKEN": TOKEN, "API_KEY": "s3cr3t-api-key", "BENTO_CF_ADMIN_TOKEN": ADMIN_TOKEN}


def tenant_settings(**changes: object) -> RuntimeSettings:
    return dataclasses.replace(TENANT_SETTINGS, **changes)  # type: ignore[arg-type]


def admin(token: str = ADMIN_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def tenants_worker(fresh_worker: WorkerFactory, standin: BentoStandIn) -> Iterator[RunningWorker]:
    standin.reset()
    with fresh_worker(TENANT_SETTINGS, text_bindings=BINDINGS) as worker:
        yield worker


def start_env(standin: BentoStandIn) -> dict[str, dict[str, object]]:
    """Container (DO name) -> the env it was started with (last start)."""
    return {start.instance: start.env for start in list(standin.starts)}


# ---- routing and isolation -------------------------------------------------------------------


def test_fifty_tenants_hundred_requests_each_never_cross(
    tenants_worker: RunningWorker, standin: BentoStandIn
) -> None:
    tenants = [f"tenant-{i:02d}" for i in range(50)]
    jobs = [(tenant, n) for tenant in tenants for n in range(100)]
    random.Random(7).shuffle(jobs)
    local = threading.local()
    parts = urlsplit(tenants_worker.url)

    def send(job: tuple[str, int]) -> tuple[str, int, int, bytes, str | None]:
        tenant, n = job
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        body = f"{tenant}:{n}".encode()
        # A client-sent internal header must not steer the request anywhere else.
        headers = {**bearer(), "Content-Type": "text/plain", "x-bento-cf-tenant": "tenant-49"}
        try:
            connection.request("POST", f"/t/{tenant}/post?n={n}", body=body, headers=headers)
            response = connection.getresponse()
        except (http.client.HTTPException, OSError):
            connection.close()
            local.connection = None
            raise
        data = response.read()
        return tenant, n, response.status, data, response.getheader("x-standin-instance")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(send, jobs))
    elapsed = time.monotonic() - started
    print(f"5000 requests over 50 tenants in {elapsed:.1f} s")

    bad = [r for r in results if r[2] != 200 or r[3] != f"{r[0]}:{r[1]}".encode() or r[4] != r[0]]
    assert bad == [], f"{len(bad)} replies wrong or from another tenant's container, e.g. {bad[:3]}"
    assert elapsed < 60

    # Server side: every request reached the container of the tenant it was meant for.
    envs = start_env(standin)
    delivered = [r for r in list(standin.requests) if r.path.startswith("/post")]
    assert len(delivered) == 5000
    crossed = [r for r in delivered if r.body.decode().split(":")[0] != r.instance]
    assert crossed == []
    assert all(r.path == f"/post?n={r.body.decode().split(':')[1]}" for r in delivered)
    assert all("x-bento-cf-tenant" not in r.headers and "authorization" not in r.headers for r in delivered)
    # One container per tenant, started with its own tenant id (plus envVars and secrets).
    assert Counter(start.instance for start in standin.starts) == Counter(tenants)
    for tenant in tenants:
        assert envs[tenant] == {"LOG_LEVEL": "info", "API_KEY": "s3cr3t-api-key", "TENANT_ID": tenant}

    for tenant in (tenants[0], tenants[49]):
        reply = call(tenants_worker.url, "GET", f"{ADMIN}/{tenant}", headers=admin())
        state = json.loads(reply.body)
        assert reply.status == 200
        assert state["tenant"] == tenant
        assert state["requestCount"] == 100
        assert state["container"]["running"] is True


def test_tenant_routes(tenants_worker: RunningWorker, standin: BentoStandIn) -> None:
    url = tenants_worker.url
    ping = call(url, "GET", "/ping")
    assert (ping.status, ping.body) == (200, b"pong")
    assert call(url, "POST", "/t/acme/post", body=b"x").status == 401  # before any tenant check
    assert call(url, "POST", "/t/ACME/post", body=b"x").status == 401
    assert standin.starts == []

    ready = call(url, "GET", "/t/acme/ready", headers=bearer())
    assert (ready.status, json.loads(ready.body)) == (200, {"ready": True, "tenant": "acme"})
    text = {**bearer(), "Content-Type": "text/plain"}
    echo = call(url, "POST", "/t/acme/post?x=1", headers=text, body=b"hi")
    assert (echo.status, echo.body, echo.header("x-echo-query")) == (200, b"hi", "x=1")
    assert call(url, "GET", "/t/acme/post", headers=bearer()).status == 405
    for path in ("/t/acme/metrics", "/t/acme/%6Detrics", "/t/acme/ping", "/t/acme/nope", "/t/acme"):
        reply = call(url, "POST", path, headers=bearer(), body=b"")
        assert reply.status == 404, path
    plain = call(url, "GET", "/t/acme/post/ws", headers=bearer())
    assert plain.status == 426
    assert [r.path for r in standin.requests if r.path != "/"] == ["/ready", "/post?x=1"]  # "/": port probes


# ---- tenant keys -------------------------------------------------------------------------------

BAD_PATHS = [
    "/post",  # no tenant at all
    "/t//post",  # empty
    "/t/" + "a" * 64 + "/post",  # too long
    "/t/../x",  # dot segments are resolved first: no tenant left
    "/t/%2e%2e/post",
    "/t/%2E%2e/post",
    "/t/acme%2Fother/post",
    "/t/%D0%B0cme/post",  # "acme" spelt with a Cyrillic a (U+0430)
    "/t/ACME/post",  # uppercase: the default pattern forbids it
    "/t/acme_1/post",
    "/t/-acme/post",
]


def test_bad_tenant_keys_in_the_path_are_400(tenants_worker: RunningWorker, standin: BentoStandIn) -> None:
    for path in BAD_PATHS:
        reply = call(tenants_worker.url, "POST", path, headers=bearer(), body=b"x")
        assert reply.status == 400, path
        body = json.loads(reply.body)
        assert body["error"] == "bad_tenant" and "tenant" in body["message"], path
    assert standin.starts == [] and standin.requests == []


def raw_request(base_url: str, path: str, headers: list[tuple[str, bytes]]) -> int:
    """A request with header values as raw bytes (http.client would refuse non-Latin-1 text)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.putrequest("POST", path, skip_host=any(name == "Host" for name, _ in headers))
        fixed = [("Authorization", f"Bearer {TOKEN}".encode()), ("Content-Length", b"0")]
        for name, value in [*headers, *fixed]:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.parametrize("pattern", [TenantRuntime().pattern, "^.+$"], ids=["default", "permissive"])
def test_bad_tenant_keys_in_a_header_are_400(
    fresh_worker: WorkerFactory, standin: BentoStandIn, pattern: str
) -> None:
    # The fixed rules (length, characters, dot segments) hold whatever tenant.pattern allows.
    standin.reset()
    settings = tenant_settings(tenant=TenantRuntime(source="header", header="x-tenant-id", pattern=pattern))
    bad = [
        b"",
        b"a" * 64,
        b"../x",
        b"..",
        b".",
        b"%2e%2e",
        "\u0430cme".encode(),
        b"acme, bravo",
        b"a/b",
        b"a:b",
    ]
    if pattern == TenantRuntime().pattern:
        bad.append(b"ACME")
    with fresh_worker(settings, text_bindings=BINDINGS) as worker:
        for value in bad:
            assert raw_request(worker.url, "/post", [("x-tenant-id", value)]) == 400, value
        assert raw_request(worker.url, "/post", []) == 400
        assert standin.starts == []
        assert raw_request(worker.url, "/post", [("x-tenant-id", b"acme")]) == 200
        assert [s.env["TENANT_ID"] for s in standin.starts] == ["acme"]


def test_tenant_from_the_hostname(fresh_worker: WorkerFactory, standin: BentoStandIn) -> None:
    standin.reset()
    settings = tenant_settings(tenant=TenantRuntime(source="hostname", hostname_label=0))
    with fresh_worker(settings, text_bindings=BINDINGS) as worker:
        for host in [b"xn--cme-5cd.example.com", b"ACME_.example.com", b"127.0.0.1", b"localhost"]:
            assert raw_request(worker.url, "/post", [("Host", host)]) == 400, host
        # Host names are lower-cased by the URL parser, so ACME is acme here.
        assert raw_request(worker.url, "/post", [("Host", b"ACME.example.com")]) == 200
        assert [s.instance for s in standin.starts] == ["acme"]


# ---- allow-list --------------------------------------------------------------------------------


def test_allow_list_from_settings_and_from_the_secret(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    settings = tenant_settings(tenant=TenantRuntime(allow_list=("acme", "bravo")))
    with fresh_worker(settings, text_bindings=BINDINGS) as worker:
        assert call(worker.url, "POST", "/t/acme/post", headers=bearer(), body=b"x").status == 200
        other = call(worker.url, "POST", "/t/charlie/post", headers=bearer(), body=b"x")
        assert (other.status, json.loads(other.body)["error"]) == (404, "unknown_tenant")
        listed = json.loads(call(worker.url, "GET", ADMIN, headers=admin()).body)
        assert [t["tenant"] for t in listed["tenants"]] == ["acme", "bravo"] and listed["complete"] is True
        assert call(worker.url, "GET", f"{ADMIN}/charlie", headers=admin()).status == 404
    with fresh_worker(settings, text_bindings={**BINDINGS, "BENTO_CF_TENANTS": '["charlie"]'}) as worker:
        assert call(worker.url, "POST", "/t/charlie/post", headers=bearer(), body=b"x").status == 200
        assert call(worker.url, "POST", "/t/acme/post", headers=bearer(), body=b"x").status == 404
    with fresh_worker(settings, text_bindings={**BINDINGS, "BENTO_CF_TENANTS": "acme"}) as worker:
        reply = call(worker.url, "POST", "/t/acme/post", headers=bearer(), body=b"x")
        assert reply.status == 500 and "BENTO_CF_TENANTS" in json.loads(reply.body)["message"]
    assert sorted(s.instance for s in standin.starts) == ["acme", "charlie"]


# ---- admin endpoint ----------------------------------------------------------------------------


def test_admin_endpoint_needs_the_admin_token(tenants_worker: RunningWorker, standin: BentoStandIn) -> None:
    url = tenants_worker.url
    call(url, "POST", "/t/acme/post", headers=bearer(), body=b"x")
    for headers in ({}, bearer(), admin("wrong"), {"Authorization": ADMIN_TOKEN}):
        reply = call(url, "GET", f"{ADMIN}/acme", headers=headers)
        assert reply.status == 401, headers
        assert "bento-cf-admin" in (reply.header("www-authenticate") or "")
        assert ADMIN_TOKEN.encode() not in reply.body
    good = call(url, "GET", f"{ADMIN}/acme", headers=admin())
    state = json.loads(good.body)
    assert good.status == 200
    assert state["requestCount"] == 1 and state["lastError"] is None
    assert state["firstSeen"] == state["lastActive"]
    assert call(url, "HEAD", f"{ADMIN}/acme", headers=admin()).status == 200
    assert call(url, "POST", f"{ADMIN}/acme", headers=admin()).status == 405
    assert call(url, "GET", f"{ADMIN}/ACME", headers=admin()).status == 400
    assert call(url, "GET", f"{ADMIN}/acme/x", headers=admin()).status == 404
    unseen = json.loads(call(url, "GET", f"{ADMIN}/never-seen", headers=admin()).body)
    assert (unseen["requestCount"], unseen["firstSeen"], unseen["container"]["running"]) == (0, None, False)
    listing = json.loads(call(url, "GET", ADMIN, headers=admin()).body)
    assert listing == {"tenants": [], "complete": False}  # no allow-list: the Worker can't enumerate
    assert [s.instance for s in standin.starts] == ["acme"]  # reading state starts nothing


def test_admin_endpoint_is_off_without_its_binding(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    bindings = {k: v for k, v in BINDINGS.items() if k != "BENTO_CF_ADMIN_TOKEN"}
    with fresh_worker(TENANT_SETTINGS, text_bindings=bindings) as worker:
        for headers in ({}, admin(), bearer()):
            reply = call(worker.url, "GET", f"{ADMIN}/acme", headers=headers)
            assert (reply.status, json.loads(reply.body)["error"]) == (404, "not_found")
            assert call(worker.url, "GET", ADMIN, headers=headers).status == 404


# ---- state in the Durable Object -----------------------------------------------------------------


def test_tenant_state_survives_a_restart(
    worker_bundle: WorkerBundle, standin: BentoStandIn, tmp_path: Path
) -> None:
    standin.reset()
    persist = tmp_path / "do-storage"

    def start(name: str) -> RunningWorker:
        return start_worker(
            worker_bundle,
            TENANT_SETTINGS,
            standin_url=standin.url,
            text_bindings=BINDINGS,
            workdir=tmp_path / name,
            persist_dir=persist,
        )

    first = start("first")
    try:
        for _ in range(3):
            assert call(first.url, "POST", "/t/acme/post", headers=bearer(), body=b"x").status == 200
        standin.knobs = Knobs(reply=Reply(status=502, chunks=[b"output failed"]))
        assert call(first.url, "POST", "/t/acme/post", headers=bearer(), body=b"x").status == 502
        before = json.loads(call(first.url, "GET", f"{ADMIN}/acme", headers=admin()).body)
    finally:
        first.stop()
    assert before["requestCount"] == 4
    assert before["lastError"]["status"] == 502 and "Bento answered 502" in before["lastError"]["message"]

    standin.reset()
    second = start("second")
    try:
        after = json.loads(call(second.url, "GET", f"{ADMIN}/acme", headers=admin()).body)
        assert {k: after[k] for k in ("tenant", "firstSeen", "lastActive", "requestCount", "lastError")} == {
            k: before[k] for k in ("tenant", "firstSeen", "lastActive", "requestCount", "lastError")
        }
        assert after["container"]["running"] is False  # a new process: the container is gone
        assert call(second.url, "POST", "/t/acme/post", headers=bearer(), body=b"x").status == 200
        again = json.loads(call(second.url, "GET", f"{ADMIN}/acme", headers=admin()).body)
        assert again["requestCount"] == 5 and again["firstSeen"] == before["firstSeen"]
        assert [s.env["TENANT_ID"] for s in standin.starts] == ["acme"]
    finally:
        second.stop()


# ---- WebSockets --------------------------------------------------------------------------------


def test_websocket_sessions_per_tenant(tenants_worker: RunningWorker, standin: BentoStandIn) -> None:
    tenants = ["ws-a", "ws-b", "ws-c", "ws-d", "ws-e"]
    clients = {t: WebSocketClient(tenants_worker.url, f"/t/{t}/post/ws", bearer()) for t in tenants}
    try:
        assert {t: c.status for t, c in clients.items()} == dict.fromkeys(tenants, 101)
        for round_ in range(3):
            for tenant, client in clients.items():
                client.send_text(f"{tenant} says {round_}")
            for tenant, client in clients.items():
                opcode, payload = client.receive()
                # Echoed by the stand-in prefixed with the container (DO) that served it.
                assert payload == f"{tenant}|{tenant} says {round_}".encode()

        # Client closes first for three tenants, Bento closes first for two.
        for tenant in tenants[:3]:
            assert clients[tenant].close(4001, "client done") == (4001, "client done")
        for tenant in tenants[3:]:
            client = clients[tenant]
            client.send_text(CLOSE_FROM_BENTO.decode())
            opcode, payload = client.receive()
            assert opcode == CLOSE
            code, reason = int.from_bytes(payload[:2], "big"), payload[2:].decode()
            assert (code, reason) == (BENTO_CLOSE_CODE, BENTO_CLOSE_REASON)
            client.answer_close(payload)
    finally:
        for client in clients.values():
            client.shut()

    def closed(kind: str, tenant: str) -> bool:
        return any(e.kind == kind and e.instance == tenant for e in list(standin.ws_events))

    assert wait_until(lambda: all(closed("client-closed", t) for t in tenants[:3]), 10)
    assert all(closed("server-closed", t) for t in tenants[3:])
    client_closes = {e.instance: (e.code, e.reason) for e in standin.ws_events if e.kind == "client-closed"}
    assert client_closes == dict.fromkeys(tenants[:3], (4001, "client done"))
    assert {e.instance for e in standin.ws_events if e.kind == "opened"} == set(tenants)
    envs = start_env(standin)
    assert {t: envs[t]["TENANT_ID"] for t in tenants} == {t: t for t in tenants}


def test_websocket_needs_access_and_a_tenant(tenants_worker: RunningWorker) -> None:
    assert WebSocketClient(tenants_worker.url, "/t/acme/post/ws", {}).status == 401
    assert WebSocketClient(tenants_worker.url, "/t/ACME/post/ws", bearer()).status == 400
    assert WebSocketClient(tenants_worker.url, "/post/ws", bearer()).status == 400


# ---- capacity ----------------------------------------------------------------------------------


def test_more_tenants_than_instances_get_503_with_retry_after(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset(Knobs(max_running=2))
    with fresh_worker(tenant_settings(startup_budget_ms=2_000), text_bindings=BINDINGS) as worker:
        for tenant in ("one", "two"):
            assert call(worker.url, "POST", f"/t/{tenant}/post", headers=bearer(), body=b"x").status == 200
        full = call(worker.url, "POST", "/t/three/post", headers=bearer(), body=b"x")
        body = json.loads(full.body)
        assert (full.status, body["error"], full.header("retry-after")) == (503, "capacity_exhausted", "7")
        assert "max_instances" in body["message"]
        assert full.elapsed_s < 5, "capacity must be answered within the budget, not hang"
        ready = call(worker.url, "GET", "/t/three/ready", headers=bearer())
        assert (ready.status, json.loads(ready.body)["error"]) == (503, "capacity_exhausted")
        # The running tenants are unaffected, and the refused one records why.
        assert call(worker.url, "POST", "/t/one/post", headers=bearer(), body=b"x").status == 200
        state = json.loads(call(worker.url, "GET", f"{ADMIN}/three", headers=admin()).body)
        assert state["lastError"]["status"] == 503 and "max_instances" in state["lastError"]["message"]
    assert "three" in standin.refused_starts and standin.running <= {"one", "two"}


# ---- keep-warm ---------------------------------------------------------------------------------


def test_keep_warm_pings_listed_tenants_past_sleep_after(
    fresh_worker: WorkerFactory, standin: BentoStandIn
) -> None:
    standin.reset()
    keep_warm = KeepWarmRuntime(tenants=("warm",), interval_seconds=1)
    settings = tenant_settings(sleep_after="3s", keep_warm=keep_warm)
    with fresh_worker(settings, text_bindings=BINDINGS) as worker:
        # Any request that passes the access check arms keep-warm (once per isolate).
        assert call(worker.url, "POST", "/t/cold/post", headers=bearer(), body=b"x").status == 200
        assert wait_until(lambda: "warm" in standin.running, 10), "keep-warm did not start the container"

        def pings() -> int:
            return sum(1 for r in list(standin.requests) if r.instance == "warm" and r.path == "/ping")

        # The un-listed tenant sleeps after sleepAfter; the listed one is still up and pinged.
        assert wait_until(lambda: "cold" not in standin.running, 15), "sleepAfter did not stop 'cold'"
        first = pings()
        time.sleep(3.5)
        assert "warm" in standin.running
        assert pings() >= first + 2
        assert start_env(standin)["warm"]["TENANT_ID"] == "warm"
        state = json.loads(call(worker.url, "GET", f"{ADMIN}/warm", headers=admin()).body)
        assert state["keepWarm"] is True and state["lastKeepWarm"]["status"] == 200
        assert state["requestCount"] == 0  # pings are not client requests
        listing = json.loads(call(worker.url, "GET", ADMIN, headers=admin()).body)
        assert [t["tenant"] for t in listing["tenants"]] == ["warm"]
