"""The service-wide HTTP server (``http:``): the one port the container exposes.

Bento serves ``/ping``, ``/ready``, ``/metrics`` and the ``http_server`` input on this server;
the Worker reaches the container on exactly one port and probes ``/ready`` there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .context import CheckContext

DEFAULT_ADDRESS = "0.0.0.0:4195"
DEFAULT_PORT = 4195
DEFAULT_ROOT_PATH = "/bento"
# Hosts that listen on every interface: what the Cloudflare container runtime can reach.
_ALL_INTERFACES = frozenset({"0.0.0.0", "", "[::]"})
_LOOPBACK = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$", re.IGNORECASE)


@dataclass(frozen=True)
class HttpFacts:
    port: int | None  # None when it cannot be determined (a problem was reported)
    root_path: str


def _is_false(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _is_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def check_http(ctx: CheckContext) -> HttpFacts:
    src = ctx.source
    http = src.get(("http",))
    if http is None:
        return HttpFacts(DEFAULT_PORT, DEFAULT_ROOT_PATH)
    if not isinstance(http, dict):
        ctx.problem(
            ("http",), "must be a mapping", "write `http:` with fields such as `address: 0.0.0.0:4195`"
        )
        return HttpFacts(None, DEFAULT_ROOT_PATH)

    if _is_false(http.get("enabled", True)):
        ctx.problem(
            ("http", "enabled"),
            "the HTTP server is disabled, so the http_server input, /ping and /ready never listen",
            "remove `enabled: false` (the Worker reaches Bento only through this server)",
        )

    root_path = http.get("root_path", DEFAULT_ROOT_PATH)
    root_path = root_path if isinstance(root_path, str) else DEFAULT_ROOT_PATH

    basic_auth = http.get("basic_auth")
    if isinstance(basic_auth, dict) and _is_true(basic_auth.get("enabled")):
        ctx.problem(
            ("http", "basic_auth", "enabled"),
            "basic auth wraps every endpoint, "
            "so the container's /ping and /ready probes would need credentials",
            "remove http.basic_auth; the Worker does access control (access.mode bearer)",
        )

    for field in ("cert_file", "key_file"):
        value = http.get(field)
        if isinstance(value, str) and value.strip():
            ctx.problem(
                ("http", field),
                "TLS on Bento's HTTP server: "
                "the Worker talks plain HTTP to the container and terminates TLS itself",
                f"remove http.{field}",
            )
            break

    return HttpFacts(_port(ctx, http.get("address", DEFAULT_ADDRESS)), root_path)


def _port(ctx: CheckContext, address: object) -> int | None:
    path = ("http", "address")
    unknown = ctx.env_behind(path)
    if unknown:
        ctx.problem(
            path,
            f"the port depends on {', '.join(unknown)}, whose value is only known inside the container, "
            "but the Worker needs it at deploy time",
            "write the port literally (0.0.0.0:4195), or use a default such as ${PORT:4195} "
            "and do not also set that variable under container.env",
        )
        return None
    text = "" if address is None else str(address).strip()
    host, sep, port_text = text.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        ctx.problem(
            path,
            f'"{text}" is not host:port with a port between 1 and 65535',
            "use 0.0.0.0:<port>, e.g. 0.0.0.0:4195",
        )
        return None
    if host not in _ALL_INTERFACES:
        why = (
            "is loopback, reachable only from inside the container"
            if _LOOPBACK.match(host)
            else "binds one interface; the container runtime connects from outside on any"
        )
        ctx.problem(
            path,
            f'"{text}" {why}',
            f"listen on every interface: 0.0.0.0:{port_text}",
        )
        return None
    return int(port_text)
