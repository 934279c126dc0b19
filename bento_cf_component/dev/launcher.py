"""Starting and stopping the dev server (``server.mjs`` under Node), and what it needs first."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.worker.bundle import WORKER_DIR, install_command

SERVER = Path(__file__).resolve().parent / "server.mjs"
HOST = "127.0.0.1"
NODE_MAJOR = 20
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
_PACKAGES = ("miniflare", "@cloudflare/containers")


def check_node_dependencies() -> None:
    """Node 20+ and the Worker project's miniflare, or a one-line error naming the fix."""
    node = shutil.which("node")
    if node is None:
        raise BentoCfConfigError(
            [f"bento-cf dev needs Node.js {NODE_MAJOR}+ on PATH; install it, then rerun"]
        )
    try:
        version = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
        major = int(version.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError):
        major = 0
    if major < NODE_MAJOR:
        raise BentoCfConfigError(
            [f"bento-cf dev needs Node.js {NODE_MAJOR}+ (found {node}); upgrade it, then rerun"]
        )
    for package in _PACKAGES:
        if not (WORKER_DIR / "node_modules" / package / "package.json").is_file():
            raise BentoCfConfigError(
                [f"bento-cf dev needs the Worker's JS packages ({package} missing); run: {install_command()}"]
            )


def check_port_free(port: int) -> None:
    """Fail fast, before the slow plan, when ``--port`` is taken (0 = any free port)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As Node and workerd bind: a port with only TIME_WAIT connections left is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            reason = "is in use" if error.errno == errno.EADDRINUSE else f"cannot be used ({error.strerror})"
            raise BentoCfConfigError(
                [f"--port {port}: {HOST}:{port} {reason}; stop what listens there or pick another --port"]
            ) from None


class Stopped(Exception):
    """SIGINT (Ctrl-C) or SIGTERM: stop cleanly."""


@dataclass
class DevServer:
    process: subprocess.Popen[bytes]
    url: str

    def wait(self) -> int:
        """Until Ctrl-C / SIGTERM (returns 0 after a clean stop) or the server exits on its own."""
        with _stop_signals():
            try:
                code = self.process.wait()
            except Stopped:
                self.stop()
                return 0
        return code

    def stop(self) -> None:
        stop_process(self.process)


def start_server(config: Mapping[str, Any]) -> DevServer:
    """Start ``server.mjs`` with ``config`` (secrets included) on its stdin; wait for its URL."""
    status_read, status_write = os.pipe()
    try:
        process = subprocess.Popen(
            ["node", str(SERVER), str(status_write)],
            stdin=subprocess.PIPE,
            pass_fds=(status_write,),
            # Its own session: the terminal's Ctrl-C reaches this launcher only, which then stops
            # Node, which stops workerd — in that order, so nothing is left behind.
            start_new_session=True,
        )
    finally:
        os.close(status_write)
    try:
        with _stop_signals():
            assert process.stdin is not None
            process.stdin.write(json.dumps(dict(config)).encode() + b"\n")
            process.stdin.flush()
            status = _read_status(status_read, process)
    except BaseException:
        stop_process(process)
        raise
    finally:
        os.close(status_read)
    if "ready" not in status:
        stop_process(process)
        raise BentoCfConfigError([str(status.get("error", "the dev server did not start"))])
    return DevServer(process, str(status["ready"]).rstrip("/"))


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(OSError):
            process.send_signal(signal.SIGTERM)  # server.mjs disposes miniflare, then exits
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()


def _read_status(fd: int, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    buffer = b""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while b"\n" not in buffer:
        if time.monotonic() > deadline:
            return {"error": f"the dev server did not start within {STARTUP_TIMEOUT_S:g} s"}
        readable, _, _ = select.select([fd], [], [], 0.1)
        chunk = os.read(fd, 4096) if readable else b""
        if readable and not chunk:
            code = process.wait()
            return {"error": f"the dev server exited during startup (status {code}); see its output above"}
        buffer += chunk
    status: dict[str, Any] = json.loads(buffer.split(b"\n", 1)[0])
    return status


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    # SIGINT too, explicitly: a shell starts background jobs with SIGINT ignored, and Python then
    # keeps ignoring it, yet `kill -INT <pid>` should still stop the server cleanly.
    def handler(signum: int, frame: FrameType | None) -> None:
        raise Stopped

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
