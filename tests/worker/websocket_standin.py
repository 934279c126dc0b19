"""Just enough RFC 6455 for the Worker tests: Bento's ``ws_path`` side and a test client.

Server side (``serve_websocket``, called by ``bento_standin.py`` for ``Knobs.ws_path``): each
text or binary message is echoed back prefixed with ``<instance>|`` (the Durable Object that
forwarded it), so a test sees which tenant's container answered. The message ``close-from-bento``
makes the server close with ``4000 bento says bye``. A close from the client is answered and
recorded, as is every session's end.

Client side (``WebSocketClient``): a blocking client over one socket, masking its frames.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import BinaryIO
from urllib.parse import urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x2, 0x8, 0x9, 0xA, 0x0
CLOSE_FROM_BENTO = b"close-from-bento"
BENTO_CLOSE_CODE = 4000
BENTO_CLOSE_REASON = "bento says bye"


@dataclass(frozen=True)
class WsEvent:
    instance: str
    kind: str
    """``opened``, ``message``, ``client-closed`` (with code/reason), ``server-closed``, ``eof``."""
    code: int | None = None
    reason: str = ""
    payload: bytes = b""


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def encode_frame(opcode: int, payload: bytes, *, mask: bool) -> bytes:
    head = bytes([0x80 | opcode])
    length = len(payload)
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 1 << 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def close_payload(code: int, reason: str) -> bytes:
    return struct.pack("!H", code) + reason.encode()


def parse_close(payload: bytes) -> tuple[int | None, str]:
    if len(payload) < 2:
        return None, ""
    return struct.unpack("!H", payload[:2])[0], payload[2:].decode(errors="replace")


def read_frame(stream: BinaryIO) -> tuple[int, bytes] | None:
    """One whole message (continuations joined), or None at end of stream."""
    opcode: int | None = None
    parts: list[bytes] = []
    while True:
        head = stream.read(2)
        if len(head) < 2:
            return None
        fin, frame_opcode = head[0] & 0x80, head[0] & 0x0F
        masked, length = head[1] & 0x80, head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", stream.read(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", stream.read(8))[0]
        key = stream.read(4) if masked else b""
        payload = stream.read(length)
        if masked:
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        if frame_opcode >= 0x8:  # control frames are never fragmented
            return frame_opcode, payload
        if frame_opcode != CONTINUATION:
            opcode = frame_opcode
        parts.append(payload)
        if fin:
            return (opcode if opcode is not None else BINARY), b"".join(parts)


def serve_websocket(
    handler: BaseHTTPRequestHandler, instance: str, record: Callable[[WsEvent], None]
) -> None:
    """Accept the upgrade on this connection and echo until either side closes."""
    key = handler.headers.get("Sec-WebSocket-Key", "")
    handler.send_response(101, "Switching Protocols")
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", accept_key(key))
    handler.end_headers()
    handler.wfile.flush()
    handler.close_connection = True
    record(WsEvent(instance, "opened"))

    def send(opcode: int, payload: bytes) -> None:
        handler.wfile.write(encode_frame(opcode, payload, mask=False))
        handler.wfile.flush()

    while True:
        try:
            frame = read_frame(handler.rfile)
        except (OSError, struct.error):
            frame = None
        if frame is None:
            record(WsEvent(instance, "eof"))
            return
        opcode, payload = frame
        if opcode == CLOSE:
            code, reason = parse_close(payload)
            record(WsEvent(instance, "client-closed", code, reason))
            send(CLOSE, payload)  # echo code and reason
            return
        if opcode == PING:
            send(PONG, payload)
        elif opcode in (TEXT, BINARY):
            record(WsEvent(instance, "message", payload=payload))
            if payload == CLOSE_FROM_BENTO:
                send(CLOSE, close_payload(BENTO_CLOSE_CODE, BENTO_CLOSE_REASON))
                record(WsEvent(instance, "server-closed", BENTO_CLOSE_CODE, BENTO_CLOSE_REASON))
                # Wait for the peer's close (or the end of the connection), then stop.
                while (reply := read_frame(handler.rfile)) is not None and reply[0] != CLOSE:
                    pass
                return
            send(opcode, instance.encode() + b"|" + payload)


class WebSocketClient:
    """A blocking WebSocket client for the tests (one connection, masked frames)."""

    def __init__(self, base_url: str, path: str, headers: dict[str, str], timeout_s: float = 30) -> None:
        parts = urlsplit(base_url)
        address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.sock = socket.create_connection(address, timeout=timeout_s)
        self.stream = self.sock.makefile("rb")
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {parts.hostname}:{parts.port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = self.stream.readline().decode()
        self.status = int(status_line.split()[1])
        self.headers: dict[str, str] = {}
        while (line := self.stream.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode().partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.body = b""
        if self.status != 101:
            length = int(self.headers.get("content-length", "0"))
            self.body = self.stream.read(length) if length else b""
            self.sock.close()
        elif self.headers.get("sec-websocket-accept") != accept_key(key):
            raise AssertionError(f"bad Sec-WebSocket-Accept: {self.headers}")

    def send_text(self, text: str) -> None:
        self.sock.sendall(encode_frame(TEXT, text.encode(), mask=True))

    def receive(self) -> tuple[int, bytes]:
        frame = read_frame(self.stream)
        if frame is None:
            raise ConnectionError("the WebSocket connection ended without a close frame")
        return frame

    def close(self, code: int = 1000, reason: str = "") -> tuple[int | None, str]:
        """Send a close frame and wait for the peer's; its (code, reason)."""
        self.sock.sendall(encode_frame(CLOSE, close_payload(code, reason), mask=True))
        while True:
            opcode, payload = self.receive()
            if opcode == CLOSE:
                self.sock.close()
                return parse_close(payload)

    def answer_close(self, payload: bytes) -> None:
        """Complete a close the peer started (echo its code), then drop the connection."""
        self.sock.sendall(encode_frame(CLOSE, payload[:2], mask=True))
        self.sock.close()

    def shut(self) -> None:
        self.sock.close()
