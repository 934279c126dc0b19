"""Input rules: which inputs a Worker can feed, and the ``http_server`` route it forwards to.

All three patterns deliver messages to Bento over HTTP (``request``: the client's request;
``queue``: the Worker's ``queue()`` consumer POSTs each batch; ``durable-object``: the tenant's
DO forwards requests and WebSockets), so each needs an ``http_server`` input on the shared
server. A ``broker`` input is accepted when it holds exactly one such ``http_server`` and no
other input: a pull input beside it would only run while requests keep the container awake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .components import Component, component_of, resource_block
from .context import CheckContext
from .source import KeyPath

DEFAULT_PATH = "/post"
DEFAULT_WS_PATH = "/post/ws"
DEFAULT_VERBS = ("POST",)
# Bento's own endpoints on the shared server (internal/api/api.go); /debug/* when debug_endpoints.
# /ready first: it is registered after the input, so it is the endpoint a catch-all route takes.
RESERVED = ("/ready", "/ping", "/metrics", "/stats", "/version", "/endpoints")
_RESERVED_PROBES = (*RESERVED, "/debug/config/json", "/debug/pprof/profile", "/debug/stack")
_LOCAL_FILES = frozenset({"file", "csv", "file_tail", "parquet", "fsevent"})

_DELIVERY = {
    "request": "the Worker delivers only HTTP requests to the container",
    "queue": "the Worker's queue() consumer delivers each batch as an HTTP POST",
    "durable-object": "the tenant's Durable Object delivers only HTTP requests and WebSockets",
}


@dataclass(frozen=True)
class InputFacts:
    path: str | None
    methods: tuple[str, ...]
    ws_path: str | None


def check_input(ctx: CheckContext, root_path: str) -> InputFacts:
    src = ctx.source
    none = InputFacts(None, DEFAULT_VERBS, None)
    if "input" not in src.data:
        ctx.problem(
            ("input",),
            "no input section, so Bento reads its default `stdin`, which is at EOF in a container: "
            "the process exits at once",
            "add `input: {http_server: {path: /post}}`",
        )
        return none
    comp = _resolve(ctx, component_of(ctx, src.data["input"], ("input",), "input"))
    if comp.kind == "broker":
        return _broker(ctx, comp, root_path) or none
    if comp.kind == "http_server":
        return _http_server(ctx, comp, root_path)
    _reject(ctx, comp)
    return none


def _resolve(ctx: CheckContext, comp: Component) -> Component:
    # `resource: name` points into input_resources; follow it once (cycles are Bento's error).
    if comp.kind != "resource":
        return comp
    found = resource_block(ctx, "input", comp.conf)
    if found is None:
        ctx.problem(comp.path, f"no input resource labelled {comp.conf!r}", "add it under input_resources")
        return Component("resource", None, comp.path)
    return component_of(ctx, found[0], found[1], "input")


def _broker(ctx: CheckContext, comp: Component, root_path: str) -> InputFacts | None:
    inputs = comp.conf.get("inputs") if isinstance(comp.conf, dict) else None
    if not isinstance(inputs, list) or not inputs:
        ctx.problem(comp.path, "a broker input needs a list of inputs", "list one http_server under inputs")
        return None
    servers: list[Component] = []
    for i, block in enumerate(inputs):
        child = _resolve(ctx, component_of(ctx, block, (*comp.path, "inputs", i), "input"))
        if child.kind == "http_server":
            servers.append(child)
        else:
            _reject(ctx, child, in_broker=True)
    if not servers:
        return None
    if len(servers) > 1:
        ctx.problem(
            servers[1].path,
            "a second http_server input: the Worker forwards to one input path",
            "keep one http_server (several paths can be one input with a path parameter elsewhere)",
            key=True,
        )
    return _http_server(ctx, servers[0], root_path)


def _reject(ctx: CheckContext, comp: Component, *, in_broker: bool = False) -> None:
    kind = comp.kind or "stdin"
    conf = comp.conf if isinstance(comp.conf, dict) else {}
    fix = "use an http_server input on the shared server, e.g. `input: {http_server: {path: /post}}`"
    if in_broker:
        fix = "remove it from the broker; keep only the http_server input"
    if kind == "stdin":
        msg = "`stdin` is at EOF in a container, so the pipeline ends and Bento exits at once"
    elif kind == "generate" and _positive(conf.get("count")):
        msg = (
            f"`generate` with count {conf.get('count')} stops after that many messages, "
            "and Bento exits with it"
        )
    elif kind in _LOCAL_FILES:
        msg = f"`{kind}` reads local files, and the image holds only /bento.yaml; Bento exits when they end"
    elif kind == "resource":
        return  # already reported by _resolve
    else:
        msg = (
            f"`{kind}` is not an HTTP input: {_DELIVERY[ctx.pattern]}, "
            "and the container sleeps when no requests arrive"
        )
    ctx.problem(comp.path, msg, fix, key=True)


def _positive(value: object) -> bool:
    try:
        return int(str(value)) > 0
    except ValueError:
        return False


def _http_server(ctx: CheckContext, comp: Component, root_path: str) -> InputFacts:
    conf: dict[str, Any] = comp.conf if isinstance(comp.conf, dict) else {}
    base = comp.path
    address = conf.get("address", "")
    if address not in ("", None):
        ctx.problem(
            (*base, "address"),
            f"a custom address ({address}) starts a second HTTP server "
            "on a port the container does not expose",
            'remove `address` (or set `address: ""`) so the input shares the main http server',
        )

    path = _route(ctx, conf, base, "path", DEFAULT_PATH, root_path)
    ws_path = _route(ctx, conf, base, "ws_path", DEFAULT_WS_PATH, root_path)
    if path is not None and path == ws_path:
        ctx.problem((*base, "ws_path"), f"ws_path equals path ({path})", "give WebSockets their own path")

    verbs = conf.get("allowed_verbs", list(DEFAULT_VERBS))
    methods = tuple(str(v).upper() for v in verbs) if isinstance(verbs, list) and verbs else DEFAULT_VERBS
    if ctx.pattern == "queue" and "POST" not in methods:
        ctx.problem(
            (*base, "allowed_verbs"),
            f"allowed_verbs {list(methods)} refuses POST, which is how the queue consumer delivers batches",
            "add POST to allowed_verbs (or remove the field)",
        )

    limit = conf.get("rate_limit")
    if isinstance(limit, str) and limit and resource_block(ctx, "rate_limit", limit) is None:
        ctx.problem(
            (*base, "rate_limit"),
            f"no rate_limit resource labelled {limit!r}; Bento fails to start",
            "add it under rate_limit_resources or remove rate_limit",
        )
    return InputFacts(path, methods, ws_path)


def _route(
    ctx: CheckContext, conf: dict[str, Any], base: KeyPath, field: str, default: str, root_path: str
) -> str | None:
    path = (*base, field)
    value = conf.get(field, default)
    if field == "ws_path" and value in ("", None):
        return None  # Bento registers no WebSocket endpoint
    unknown = ctx.env_behind(path)
    if unknown:
        ctx.problem(
            path,
            f"depends on {', '.join(unknown)}, only known inside the container; "
            "the Worker needs it at deploy time",
            "write the path literally",
        )
        return None
    if not isinstance(value, str) or not value.startswith("/"):
        ctx.problem(path, f'"{value}" must start with /', f"e.g. {field}: {default}")
        return None
    if _NESTED_BRACES.search(value):
        # The Worker's router (worker/src/routing.js) reads {name:regex} up to the first "}".
        ctx.problem(
            path,
            f'"{value}" has braces inside a path parameter, which the Worker cannot route',
            "use a pattern without {n} counts, e.g. {id:[0-9]+}",
        )
        return None
    hit = _shadowed(value, root_path)
    if hit is not None:
        if value == hit or value.rstrip("/") == hit:
            why = f'"{value}" shadows Bento\'s {_role(hit)} endpoint'
        elif value.endswith("/"):
            why = f'"{value}" ends with / so it is a prefix route that also captures {hit}'
        else:
            why = f'"{value}" has a path parameter that also matches {hit}'
        ctx.problem(path, why, f"use another path such as {default}")
        return None
    if value.endswith("/"):
        ctx.warning(
            path,
            f'"{value}" ends with / so Bento serves it as a prefix route (every path below it)',
            f"the Worker forwards to {value} exactly; drop the trailing / unless you mean it",
        )
    return value


def _role(endpoint: str) -> str:
    name = endpoint.rstrip("/").rsplit("/", 1)[-1]
    return {"ready": "readiness", "ping": "liveness"}.get(name, name)


def _shadowed(route: str, root_path: str) -> str | None:
    """The first Bento endpoint that this gorilla/mux route would also match."""
    rx = _route_regex(route)
    if rx is None:
        return None
    for reserved in _RESERVED_PROBES:
        for candidate in (reserved, root_path.rstrip("/") + reserved):
            if rx.fullmatch(candidate):
                return candidate
    return None


_NESTED_BRACES = re.compile(r"\{[^{}]*\{")


def _route_regex(route: str) -> re.Pattern[str] | None:
    # gorilla/mux templates: {name} matches one segment, {name:regex} its own pattern;
    # Bento registers a path ending in / as a prefix (internal/api/package.go GetMuxRoute).
    out: list[str] = []
    i = 0
    while i < len(route):
        if route[i] == "{":
            depth, j = 1, i + 1
            while j < len(route) and depth:
                depth += {"{": 1, "}": -1}.get(route[j], 0)
                j += 1
            inner = route[i + 1 : j - 1]
            _, colon, pattern = inner.partition(":")
            out.append(f"(?:{pattern})" if colon else "[^/]+")
            i = j
        else:
            out.append(re.escape(route[i]))
            i += 1
    text = "".join(out) + (".*" if route.endswith("/") else "")
    try:
        return re.compile(text)
    except re.error:
        return None
