"""Paths the Worker reserves: its own endpoints and Bento's management API.

The same list as ``worker/src/routing.js``; the runtime-settings checks of every pattern use it
so no configured path can route to, or be shadowed by, these.
"""

from __future__ import annotations

WORKER_PATHS = frozenset({"/ping", "/ready"})
"""Answered by the Worker itself."""

MANAGEMENT_PREFIXES = (
    "/bento",
    "/debug",
    "/endpoints",
    "/metrics",
    "/resources",
    "/stats",
    "/streams",
    "/version",
)
"""Bento's management API: never a Worker route, never a target."""


def is_management_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in MANAGEMENT_PREFIXES)
