"""A local HTTP server that answers like Bento's HTTP server, for the Worker tests.

It stands in for the container *process* only: the test-only ``ctx.container`` in
``harness/standin-entry.mjs`` forwards ``getTcpPort(port).fetch(...)`` here, tagging each
request with the instance (``x-standin-instance``), and reports each container start to
``POST /__standin/start``, whose answer (the knobs) decides when the port "listens".

Bento's contract it follows (shared/reference/bento.md §2-3): ``/ping`` -> 200 ``pong``;
``/ready`` -> 200 ``OK`` or 503 ``output not connected``; the ``http_server`` path -> the
``sync_response`` reply (here: an echo of the request, or a configured reply), 405 for other
verbs; anything else -> 404 ``404 page not found``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from .loopback_server import LoopbackServer
from .websocket_standin import WsEvent, serve_websocket

STANDIN_PREFIX = "/__standin/"
INSTANCE_HEADER = "x-standin-instance"


@dataclass
class Reply:
    """A configured sync_response reply; ``chunks`` are written with chunked encoding."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    hold_after_first_chunk: threading.Event | None = None
    """If set, the rest of the body waits for this event (proves the reply is streamed)."""


@dataclass
class Knobs:
    port: int = 4195
    listen_after_s: float = 0.0
    """Cold start: the port answers this long after the container was started."""
    never_listen: bool = False
    exit_code: int | None = None
    """The process exits at once with this code (a crash on start)."""
    ready_status: int = 200
    input_path: str = "/post"
    input_methods: tuple[str, ...] = ("POST",)
    reply: Reply | None = None
    """None: echo the request back."""
    ws_path: str = "/post/ws"
    """Bento's http_server ws_path: a WebSocket echo (tests/worker/websocket_standin.py)."""
    max_running: int | None = None
    """More containers than this at once: the start fails as with max_instances reached."""


@dataclass(frozen=True)
class StartRecord:
    instance: str
    env: dict[str, object]
    at: float


@dataclass(frozen=True)
class ReceivedRequest:
    instance: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class BentoStandIn:
    def __init__(self) -> None:
        self.knobs = Knobs()
        self.starts: list[StartRecord] = []
        self.requests: list[ReceivedRequest] = []
        self.running: set[str] = set()
        self.refused_starts: list[str] = []
        self.ws_events: list[WsEvent] = []
        self.first_body_chunk = threading.Event()
        self._lock = threading.Lock()
        self._server = LoopbackServer(_handler_for(self))

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> BentoStandIn:
        self._server.start()
        return self

    def close(self) -> None:
        self._server.close()

    def reset(self, knobs: Knobs | None = None) -> None:
        with self._lock:
            self.knobs = knobs or Knobs()
            self.starts.clear()
            self.requests.clear()
            self.running.clear()
            self.refused_starts.clear()
            self.ws_events.clear()
            self.first_body_chunk.clear()

    def record_start(self, record: StartRecord) -> None:
        with self._lock:
            self.starts.append(record)

    def admit_start(self, record: StartRecord) -> bool:
        """Record a start unless max_running containers already run (then refused: False)."""
        with self._lock:
            limit = self.knobs.max_running
            if limit is not None and record.instance not in self.running and len(self.running) >= limit:
                self.refused_starts.append(record.instance)
                return False
            self.running.add(record.instance)
            self.starts.append(record)
            return True

    def record_stop(self, instance: str) -> None:
        with self._lock:
            self.running.discard(instance)

    def record_ws(self, event: WsEvent) -> None:
        with self._lock:
            self.ws_events.append(event)

    def record_request(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def paths_seen(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]


def _handler_for(standin: BentoStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else delayed ACKs add ~40 ms per reply

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: pytest shows failures, not traffic

        def do_GET(self) -> None:
            self._serve()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

        def _serve(self) -> None:
            path, _, _query = self.path.partition("?")
            if path.startswith(STANDIN_PREFIX):
                self._control(path)
                return
            knobs = standin.knobs
            instance = self.headers.get(INSTANCE_HEADER, "")
            if path == knobs.ws_path and self.headers.get("Upgrade", "").lower() == "websocket":
                serve_websocket(self, instance, standin.record_ws)
                return
            body = self._read_body(notify=path == knobs.input_path)
            headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != INSTANCE_HEADER}
            standin.record_request(ReceivedRequest(instance, self.command, self.path, headers, body))

            if path == "/ping":
                self._send(200, [("Content-Type", "text/plain; charset=utf-8")], b"pong")
            elif path == "/ready":
                ready = knobs.ready_status == 200
                text = b"OK" if ready else b"output not connected\n"
                self._send(knobs.ready_status, [("Content-Type", "text/plain; charset=utf-8")], text)
            elif path == knobs.input_path:
                if self.command not in knobs.input_methods:
                    self._send(405, [("Content-Type", "text/plain; charset=utf-8")], b"Incorrect method")
                elif knobs.reply is None:
                    self._echo(body, instance)
                else:
                    self._reply(knobs.reply, instance)
            else:
                self._send(404, [("Content-Type", "text/plain; charset=utf-8")], b"404 page not found\n")

        def _control(self, path: str) -> None:
            body = self._read_body(notify=False)
            if path == f"{STANDIN_PREFIX}start":
                start = json.loads(body)
                admitted = standin.admit_start(StartRecord(start["instance"], start["env"], time.monotonic()))
                knobs = standin.knobs
                answer = {
                    "noInstance": not admitted,
                    "port": knobs.port,
                    "listenAfterMs": int(knobs.listen_after_s * 1000),
                    "neverListen": knobs.never_listen,
                    "exitCode": knobs.exit_code,
                }
                self._send(200, [("Content-Type", "application/json")], json.dumps(answer).encode())
            elif path == f"{STANDIN_PREFIX}stop":
                standin.record_stop(json.loads(body)["instance"])
                self._send(200, [], b"")
            else:
                self._send(404, [], b"")

        def _echo(self, body: bytes, instance: str) -> None:
            content_type = self.headers.get("Content-Type", "application/octet-stream")
            _, _, query = self.path.partition("?")
            headers = [
                ("Content-Type", content_type),
                ("X-Echo-Method", self.command),
                ("X-Echo-Query", query),
                (INSTANCE_HEADER, instance),
            ]
            self._send(200, headers, body)

        def _reply(self, reply: Reply, instance: str) -> None:
            self.send_response(reply.status)
            for name, value in [*reply.headers, (INSTANCE_HEADER, instance)]:
                self.send_header(name, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for index, chunk in enumerate(reply.chunks):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                if index == 0 and reply.hold_after_first_chunk is not None:
                    reply.hold_after_first_chunk.wait(timeout=15)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _read_body(self, *, notify: bool) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                parts: list[bytes] = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(parts)
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()
                    if notify:
                        standin.first_body_chunk.set()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if notify and body:
                standin.first_body_chunk.set()
            return body

    return Handler
