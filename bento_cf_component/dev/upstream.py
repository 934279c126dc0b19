"""The Bento the developer runs (``--upstream``): its address, checked, and whether it answers."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from bento_cf_component.errors import BentoCfConfigError

DEFAULT_UPSTREAM = "http://127.0.0.1:4195"
_EXAMPLE = f"e.g. --upstream {DEFAULT_UPSTREAM}"


def parse_upstream(text: str) -> str:
    """``scheme://host[:port]`` without a trailing slash, or a one-line error naming the fix."""
    problem = f"--upstream {text!r}"
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as error:
        raise BentoCfConfigError([f"{problem}: {error}; give Bento's address, {_EXAMPLE}"]) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BentoCfConfigError([f"{problem}: not an http(s) URL; give Bento's address, {_EXAMPLE}"])
    if parts.username or parts.password or parts.query or parts.fragment or parts.path not in ("", "/"):
        # The Worker's paths go to Bento as they are: a prefix or credentials would change them.
        raise BentoCfConfigError([f"{problem}: give only scheme, host and port, {_EXAMPLE}"])
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def ping_problem(upstream: str, timeout_s: float = 2.0) -> str | None:
    """None when ``GET /ping`` answers 2xx, else what went wrong (for one log line)."""
    parts = urlsplit(upstream)
    connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(parts.hostname or "", parts.port, timeout=timeout_s)
    try:
        connection.request("GET", "/ping")
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        return str(error) or type(error).__name__
    finally:
        connection.close()
    return None if 200 <= status < 300 else f"/ping answered {status}"
