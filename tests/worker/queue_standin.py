"""A Bento stand-in for the queue pattern: reads multipart batches like Bento's http_server.

Like ``bento_standin.py`` it stands in for the container process (the test-only
``ctx.container`` forwards here and reports starts to ``POST /__standin/start``), and also
records what the test harness reports: each consumer invocation (``/__standin/batch``, from
``harness/queue-entry.mjs``) and each dead-lettered message (``/__standin/dlq``, from
``harness/dlq-recorder.mjs``).

The input path parses the request the way Bento's ``http_server`` does
(``internal/impl/io/input_http_server.go``): a ``multipart/*`` body is one batch, one message
per part, the part's bytes taken as they are; anything else is one message. It answers 200 or,
for the requests the failure plan picks, an error status Bento itself uses (502 output failed,
503 closing, 408 timed out), having taken nothing.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler

from .loopback_server import LoopbackServer

STANDIN_PREFIX = "/__standin/"
INSTANCE_HEADER = "x-standin-instance"
FAILURE_STATUSES = (502, 503, 408)


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class BentoRequest:
    index: int
    """Arrival order at the input path (0, 1, ...); the failure plan is keyed on it."""
    instance: str
    path: str
    headers: dict[str, str]
    parts: list[Part]
    status: int
    at: float

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def ids(self) -> list[str]:
        return [part.headers.get("x-bento-cf-message-id", "") for part in self.parts]


@dataclass(frozen=True)
class Invocation:
    """One queue() call as harness/queue-entry.mjs reported it."""

    ids: list[str]
    attempts: list[int]
    ack_all: int
    retry_all: int
    delay_seconds: int | None


@dataclass(frozen=True)
class DeadLetter:
    id: str
    body: str


@dataclass
class FailurePlan:
    """Which input requests fail: exactly ``per_ten`` of every ten, at seeded positions."""

    seed: int = 20
    per_ten: int = 0
    fail_all: bool = False
    _rng: random.Random = field(init=False, repr=False)
    _block: set[int] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def status_for(self, index: int) -> int:
        if self.fail_all:
            return FAILURE_STATUSES[index % len(FAILURE_STATUSES)]
        if index % 10 == 0:
            self._block = set(self._rng.sample(range(10), self.per_ten))
        if index % 10 in self._block:
            return self._rng.choice(FAILURE_STATUSES)
        return 200


@dataclass
class QueueKnobs:
    port: int = 4195
    listen_after_s: float = 0.0
    input_path: str = "/post"
    failures: FailurePlan = field(default_factory=FailurePlan)
    delay_s: float = 0.0
    """Time Bento takes per request (the bench's stand-in for a pipeline's work)."""


class QueueStandIn:
    def __init__(self) -> None:
        self.knobs = QueueKnobs()
        self.starts: list[dict[str, object]] = []
        self.requests: list[BentoRequest] = []
        self.other_requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.invocations: list[Invocation] = []
        self.dead_letters: list[DeadLetter] = []
        self.lock = threading.Lock()
        self._server = LoopbackServer(_handler_for(self))

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> QueueStandIn:
        self._server.start()
        return self

    def close(self) -> None:
        self._server.close()

    def reset(self, knobs: QueueKnobs | None = None) -> None:
        with self.lock:
            self.knobs = knobs or QueueKnobs()
            self.starts.clear()
            self.requests.clear()
            self.other_requests.clear()
            self.invocations.clear()
            self.dead_letters.clear()

    def snapshot(self) -> tuple[list[BentoRequest], list[Invocation], list[DeadLetter]]:
        with self.lock:
            return list(self.requests), list(self.invocations), list(self.dead_letters)


def parse_multipart(content_type: str, body: bytes) -> list[Part] | None:
    """Parts of a multipart body as Go's mime/multipart reads them; None if not multipart."""
    message = Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "multipart":
        return None
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart without a boundary")
    delimiter = b"\r\n--" + boundary.encode()
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 2 or chunks[0] != b"" or not chunks[-1].startswith(b"--"):
        raise ValueError("malformed multipart body")
    parts: list[Part] = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n"):
            raise ValueError("malformed multipart delimiter line")
        rest = chunk[2:]
        if rest.startswith(b"\r\n"):  # a part without headers
            head, content = b"", rest[2:]
        else:
            head, separator, content = rest.partition(b"\r\n\r\n")
            if not separator:
                raise ValueError("multipart part without the blank line after its headers")
        headers: dict[str, str] = {}
        for line in head.decode("latin-1").split("\r\n"):
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
    return parts


def _handler_for(standin: QueueStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._serve()

        do_POST = do_PUT = do_HEAD = do_GET

        def _serve(self) -> None:
            path = self.path.partition("?")[0]
            body = self._read_body()
            if path.startswith(STANDIN_PREFIX):
                self._control(path, body)
                return
            knobs = standin.knobs
            headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != INSTANCE_HEADER}
            if path == knobs.input_path and self.command == "POST":
                self._input(knobs, headers, body)
                return
            with standin.lock:
                standin.other_requests.append((self.command, self.path, headers, body))
            if path == "/ping":
                self._send(200, b"pong")
            elif path == "/ready":
                self._send(200, b"OK")
            else:
                self._send(404, b"404 page not found\n")

        def _input(self, knobs: QueueKnobs, headers: dict[str, str], body: bytes) -> None:
            try:
                parts = parse_multipart(headers.get("content-type", "application/octet-stream"), body)
            except ValueError:
                self._send(400, b"Bad request")
                return
            if parts is None:
                parts = [Part({}, body)]
            if knobs.delay_s:
                time.sleep(knobs.delay_s)
            with standin.lock:
                index = len(standin.requests)
                status = knobs.failures.status_for(index)
                standin.requests.append(
                    BentoRequest(
                        index=index,
                        instance=self.headers.get(INSTANCE_HEADER, ""),
                        path=self.path,
                        headers=headers,
                        parts=parts,
                        status=status,
                        at=time.monotonic(),
                    )
                )
            if status == 200:
                self._send(200, b"")
            else:
                self._send(status, b"failed to send message: stand-in failure plan\n")

        def _control(self, path: str, body: bytes) -> None:
            if path == f"{STANDIN_PREFIX}start":
                start = json.loads(body)
                knobs = standin.knobs
                with standin.lock:
                    standin.starts.append({"instance": start["instance"], "at": time.monotonic()})
                answer = {
                    "port": knobs.port,
                    "listenAfterMs": int(knobs.listen_after_s * 1000),
                    "neverListen": False,
                    "exitCode": None,
                }
                self._send(200, json.dumps(answer).encode(), "application/json")
            elif path == f"{STANDIN_PREFIX}batch":
                record = json.loads(body)
                outcome = record["outcome"]
                invocation = Invocation(
                    ids=record["ids"],
                    attempts=record["attempts"],
                    ack_all=outcome["ackAll"],
                    retry_all=outcome["retryAll"],
                    delay_seconds=outcome["delaySeconds"],
                )
                with standin.lock:
                    standin.invocations.append(invocation)
                self._send(200, b"")
            elif path == f"{STANDIN_PREFIX}dlq":
                record = json.loads(body)
                letters = [DeadLetter(id=m["id"], body=m["body"]) for m in record["messages"]]
                with standin.lock:
                    standin.dead_letters.extend(letters)
                self._send(200, b"")
            else:
                self._send(404, b"")

        def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks: list[bytes] = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

    return Handler
