"""Output rules: how the Worker answers (``sync``/``accepted``) and what a pattern refuses.

``sync_response`` anywhere on the message's way out (an output, nested in ``broker``/``switch``/
``fallback``/``retry`` outputs or an output resource, or a ``sync_response`` processor) means
Bento replies with the processed message, so the Worker returns that reply (``sync``);
otherwise the Worker answers 202 once Bento accepted the message (``accepted``). The
``sync_response`` block *inside* an ``http_server`` input only configures that reply and does
not count.
"""

from __future__ import annotations

from typing import Any, Literal

from .context import CheckContext
from .durations import parse_duration
from .source import KeyPath

DEFAULT_SHUTDOWN_TIMEOUT = "20s"


def check_output(ctx: CheckContext) -> Literal["sync", "accepted"]:
    data = ctx.source.data
    if "output" not in data:
        ctx.warning(
            ("output",),
            "no output section: Bento writes messages to stdout (the container log) "
            "and the Worker answers 202",
            "add an output, or `output: {sync_response: {}}` to return the processed message",
        )
    found = _sync_response_paths(ctx)
    if found and ctx.pattern == "queue":
        ctx.problem(
            found[0],
            "sync_response has no caller to answer: the queue consumer only needs Bento to accept the batch",
            "send results to a real output (e.g. http_client) or drop them; remove sync_response",
            key=True,
        )
    _batching_periods(ctx)
    return "sync" if found else "accepted"


def _sync_response_paths(ctx: CheckContext) -> list[KeyPath]:
    data = ctx.source.data
    found: list[KeyPath] = []
    for section in ("output", "pipeline", "output_resources", "processor_resources"):
        if section in data:
            _find_key(data[section], (section,), "sync_response", found)
    # Inputs hold processors too, but their http_server.sync_response is configuration.
    for section in ("input", "input_resources"):
        if section in data:
            _find_processors(data[section], (section,), found)
    return found


def _find_key(node: Any, path: KeyPath, key: str, found: list[KeyPath]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append((*path, str(k)))
            _find_key(v, (*path, str(k)), key, found)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _find_key(item, (*path, i), key, found)


def _find_processors(node: Any, path: KeyPath, found: list[KeyPath]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "processors":
                _find_key(v, (*path, k), "sync_response", found)
            else:
                _find_processors(v, (*path, str(k)), found)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _find_processors(item, (*path, i), found)


def _batching_periods(ctx: CheckContext) -> None:
    # A batching period holds a graceful shutdown until it elapses (redpanda-data/connect#1001);
    # past shutdown_timeout Bento exits forcefully and the open batch is redelivered.
    data = ctx.source.data
    raw_timeout = data.get("shutdown_timeout", DEFAULT_SHUTDOWN_TIMEOUT)
    timeout = parse_duration(raw_timeout)
    if timeout is None:
        ctx.problem(
            ("shutdown_timeout",),
            f'"{raw_timeout}" is not a duration',
            'use a Go duration such as "20s"',
        )
        return
    batchings: list[KeyPath] = []
    for section in ("output", "output_resources"):
        if section in data:
            _find_key(data[section], (section,), "batching", batchings)
    for path in batchings:
        batching = ctx.source.get(path)
        if not isinstance(batching, dict):
            continue
        period = parse_duration(batching.get("period"))
        if period is not None and period > timeout:
            ctx.warning(
                (*path, "period"),
                f"batching period {batching.get('period')} is longer than shutdown_timeout {raw_timeout}: "
                "when the container stops, the open batch is cut off and redelivered",
                "shorten the period, or raise shutdown_timeout above it",
            )
