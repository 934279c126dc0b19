"""Fixtures: the real Worker bundle in workerd (miniflare) in front of the Bento stand-in."""

from __future__ import annotations

import dataclasses
import http.client
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from bento_cf_component.worker.bundle import WorkerBundle, build_worker_bundle
from bento_cf_component.worker.runtime_settings import RuntimeSettings

from .bento_standin import BentoStandIn
from .workerd import RunningWorker, missing_js_dependencies, running_worker

TOKEN = "test-token-3f9c2a"
SECRETS = {"API_KEY": "s3cr3t-api-key", "DB_PASSWORD": "p@ss word=1"}

BASE_SETTINGS = RuntimeSettings(
    pattern="request",
    port=4195,
    input_path="/post",
    input_methods=("POST",),
    response_mode="sync",
    instance_count=3,
    sticky_header=None,
    access_mode="bearer",
    startup_budget_ms=20_000,
    retry_after_seconds=7,
    sleep_after="10m",
    env_vars={"LOG_LEVEL": "info", "BATCH": "10"},
    secret_env_names=("API_KEY", "DB_PASSWORD"),
)


def settings_with(**changes: object) -> RuntimeSettings:
    return dataclasses.replace(BASE_SETTINGS, **changes)  # type: ignore[arg-type]


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    elapsed_s: float

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | Iterable[bytes] | None = None,
    timeout_s: float = 60,
) -> Reply:
    """One HTTP request (a fresh connection each time); an iterable body is sent chunked."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout_s)
    started = time.monotonic()
    try:
        connection.request(
            method, path, body=body, headers=headers or {}, encode_chunked=not isinstance(body, bytes | None)
        )
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, response.getheaders(), data, time.monotonic() - started)
    finally:
        connection.close()


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def worker_bundle() -> WorkerBundle:
    reason = missing_js_dependencies()
    if reason is not None:
        pytest.skip(f"workerd tests need the Worker's JS dependencies: {reason}")
    return build_worker_bundle()


@pytest.fixture(scope="module")
def standin() -> Iterator[BentoStandIn]:
    server = BentoStandIn().start()
    yield server
    server.close()


WorkerFactory = Callable[..., AbstractContextManager[RunningWorker]]


@pytest.fixture()
def fresh_worker(worker_bundle: WorkerBundle, standin: BentoStandIn) -> WorkerFactory:
    """A context manager starting a new workerd (no container started yet) with these settings."""

    def factory(
        settings: RuntimeSettings | dict[str, object] = BASE_SETTINGS,
        *,
        text_bindings: dict[str, str] | None = None,
    ) -> AbstractContextManager[RunningWorker]:
        bindings = {"BENTO_CF_ACCESS_TOKEN": TOKEN, **SECRETS} if text_bindings is None else text_bindings
        return running_worker(worker_bundle, settings, standin_url=standin.url, text_bindings=bindings)

    return factory
