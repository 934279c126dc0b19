"""Running ``bento-cf dev`` as a user would (a subprocess), and reading what it prints."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bento_cf_component.worker.bundle import WORKER_DIR, install_command

REPO = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "bento_cf_component.cli.main")
STARTUP_TIMEOUT_S = 90
READY_LINE = "Ctrl-C stops."
URL_LINE = re.compile(r"local Worker\s+(http://127\.0\.0\.1:\d+)")


def missing_node_dependencies() -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH (bento-cf dev runs the Worker in workerd through Node 20+)"
    for package in ("miniflare", "esbuild", "@cloudflare/containers"):
        if not (WORKER_DIR / "node_modules" / package / "package.json").is_file():
            return f"{package} is not installed; run: {install_command()}"
    return None


def copy_example(name: str, into: Path) -> Path:
    """The example's program alone (no artifacts), so each test plans and keeps state in tmp."""
    target = into / name
    shutil.copytree(REPO / "examples" / name, target, ignore=shutil.ignore_patterns(".bento-cf"))
    return target


def bento_cf(
    *args: str, env: Mapping[str, str] | None = None, timeout_s: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )


@dataclass
class DevProcess:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, sig: int = signal.SIGINT, timeout_s: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise


def _reader(dev: DevProcess) -> None:
    assert dev.process.stdout is not None
    for line in dev.process.stdout:
        dev.lines.append(line.rstrip("\n"))
        match = URL_LINE.search(line)
        if match:
            dev.url = match.group(1)
        if line.strip() == READY_LINE:
            dev.ready.set()
    dev.ready.set()  # the process ended: stop waiting


@contextlib.contextmanager
def running_dev(cwd: Path, upstream: str, env: Mapping[str, str]) -> Iterator[DevProcess]:
    process = subprocess.Popen(
        [*CLI, "dev", "--stack", "dev", "--cwd", str(cwd), "--upstream", upstream, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
        cwd=cwd,
    )
    dev = DevProcess(process)
    threading.Thread(target=_reader, args=(dev,), daemon=True).start()
    try:
        if not dev.ready.wait(STARTUP_TIMEOUT_S) or not dev.url:
            raise AssertionError(f"bento-cf dev did not start; its output:\n{dev.output()}")
        yield dev
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def call(
    url: str, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
) -> Reply:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def refuses_connections(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with contextlib.closing(http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=2)) as c:
            c.request("GET", "/ping")
            c.getresponse()
    except OSError:
        return True
    return False


def wait_until(predicate: object, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(0.05)
    return False
