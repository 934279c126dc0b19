"""Cloudflare API errors turned into one line that says what happened and what to do.

Under ``pulumi up`` the dynamic-provider host prints the provider's traceback before that line;
the line itself is the last one of the error.

Every SDK call in the providers runs inside ``cloudflare_errors(...)``. The raised
``CloudflareDeployError`` never carries the SDK exception as its cause (``from None``): the
dynamic-provider host prints the whole traceback chain, and the SDK's text is a raw JSON dump.
Secret values handed to ``cloudflare_errors`` are masked in whatever text Cloudflare sent back,
and the API token never appears (it is only ever in a request header).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cloudflare

from bento_cf_component.cloudflare.error_codes import explain

SCRIPTS_WRITE = "Workers Scripts Write"
CONTAINERS_WRITE = "Workers Containers Write"
QUEUES_WRITE = "Queues Write"

_MAX_DETAIL = 240
_MASK = "[secret]"


class CloudflareDeployError(Exception):
    """A failed Cloudflare step, as one line naming the step, the cause and the fix."""


@dataclass(frozen=True)
class ApiErrorDetail:
    """One entry of the envelope's ``errors`` list."""

    code: int | None
    message: str


def error_details(exc: cloudflare.APIError) -> list[ApiErrorDetail]:
    """The ``errors`` entries of a Cloudflare envelope (``{"success": false, "errors": [...]}``).

    The containers API has also answered with a bare ``{"error": "VALIDATE_INPUT"}`` body
    (workers-sdk#9846); that becomes one entry without a code.
    """
    body = exc.body
    if not isinstance(body, dict):
        return []
    bare = body.get("error")
    if isinstance(bare, str) and "errors" not in body:
        return [ApiErrorDetail(code=None, message=bare)]
    raw = body.get("errors")
    if not isinstance(raw, list):
        return []
    details: list[ApiErrorDetail] = []
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        code = entry.get("code")
        message = entry.get("message")
        details.append(
            ApiErrorDetail(
                code=code if isinstance(code, int) else None,
                message=message if isinstance(message, str) else "",
            )
        )
    return details


def has_error(exc: cloudflare.APIError, *, code: int | None = None, text: str | None = None) -> bool:
    """True when one envelope error has this numeric code or mentions this text.

    Container errors come in two dialects: a numeric code with the name in the message
    (``1608 DURABLE_OBJECT_ALREADY_HAS_APPLICATION``) and code 1000 with a JSON-encoded message
    (``{"error": "DURABLE_OBJECT_ALREADY_HAS_APPLICATION", ...}``); matching on either covers both.
    """
    for detail in error_details(exc):
        if code is not None and detail.code == code:
            return True
        if text is not None and text in detail.message:
            return True
    return False


def json_message_field(exc: cloudflare.APIError, *path: str) -> str | None:
    """A string field of a JSON-encoded error message (the code-1000 dialect), if there is one."""
    for detail in error_details(exc):
        try:
            value: object = json.loads(detail.message)
        except ValueError:
            continue
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    return None


def mask(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value found in ``text``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, _MASK)
    return text


def _one_line(text: str, secrets: Iterable[str]) -> str:
    flat = " ".join(mask(text, secrets).split())
    return flat if len(flat) <= _MAX_DETAIL else flat[: _MAX_DETAIL - 1] + "…"


def _plain(message: str) -> str:
    """A JSON-encoded message (the code-1000 dialect) reduced to its error name: never raw JSON."""
    try:
        value: object = json.loads(message)
    except ValueError:
        return message
    if isinstance(value, dict) and isinstance(value.get("error"), str):
        return str(value["error"])
    return "an unreadable error detail" if isinstance(value, dict | list) else message


def _cloudflare_said(exc: cloudflare.APIError, secrets: Iterable[str]) -> str:
    parts = [
        f"{d.code}: {_plain(d.message)}" if d.code is not None else _plain(d.message)
        for d in error_details(exc)
        if d.message or d.code is not None
    ]
    return _one_line("; ".join(parts), secrets) if parts else "no error detail"


def describe(exc: cloudflare.APIError, *, action: str, permission: str, secrets: Iterable[str] = ()) -> str:
    """The one-line message for a failed SDK call."""
    secrets = tuple(secrets)
    if isinstance(exc, cloudflare.APITimeoutError):
        return f"{action} failed: Cloudflare did not answer in time; re-run (each step is safe to repeat)"
    if isinstance(exc, cloudflare.APIConnectionError):
        return (
            f"{action} failed: could not reach the Cloudflare API ({type(exc.__cause__ or exc).__name__}); "
            "check the network or CLOUDFLARE_BASE_URL and re-run"
        )
    if not isinstance(exc, cloudflare.APIStatusError):
        return (
            f"{action} failed: Cloudflare sent an answer the SDK could not read; "
            "re-run, and report it if it persists"
        )
    said = _cloudflare_said(exc, secrets)
    status = exc.status_code
    if status == 401:
        return (
            f"{action} failed: Cloudflare rejected the API token (401, {said}); set CLOUDFLARE_API_TOKEN "
            f"to a valid, unexpired API token (not a Global API Key) with the '{permission}' permission"
        )
    if status == 403:
        return (
            f"{action} failed: the API token lacks permission (403, {said}); give the token in "
            f"CLOUDFLARE_API_TOKEN the '{permission}' permission on this account and re-run"
        )
    if status == 429:
        return (
            f"{action} failed: Cloudflare is rate limiting this account (429, {said}) and retries ran out; "
            "wait a minute and re-run"
        )
    if status >= 500:
        return (
            f"{action} failed: Cloudflare had a server error ({status}, {said}) and retries ran out; "
            "re-run later (each step is safe to repeat)"
        )
    known = explain((d.code, d.message) for d in error_details(exc))
    if known is not None:
        return f"{action} failed: {known.happened} ({status}, {said}); {known.fix}"
    return f"{action} failed: Cloudflare answered {status} ({said})"


@contextmanager
def cloudflare_errors(action: str, *, permission: str, secrets: Iterable[str] = ()) -> Iterator[None]:
    """Turn SDK errors raised inside the block into a ``CloudflareDeployError``."""
    try:
        yield
    except cloudflare.APIError as exc:
        raise CloudflareDeployError(
            describe(exc, action=action, permission=permission, secrets=secrets)
        ) from None
