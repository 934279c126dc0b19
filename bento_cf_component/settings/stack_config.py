"""Read the component's args from Pulumi stack config (the ``bento-cf`` namespace).

Plain settings are objects or scalars (``bento-cf:container``, ``bento-cf:routing`` …). Secrets
live in their own keys so ``pulumi config set --secret`` works on them alone:
``bento-cf:access_token`` and ``bento-cf:secrets`` (``--path bento-cf:secrets.API_KEY``).
"""

from __future__ import annotations

import difflib
import json
from typing import Any, cast

import pulumi
from pulumi.runtime import config as runtime_config

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.settings.args import BentoCloudflareArgs
from bento_cf_component.settings.validate import CONFIG_NAMESPACE

_PLAIN_KEYS = (
    "account_id",
    "pattern",
    "worker_name",
    "bento",
    "image",
    "container",
    "instances",
    "routing",
    "access",
    "queue",
    "schedule",
    "tenant",
)
_SECRET_KEYS = ("access_token", "admin_token", "secrets")


class StackConfigArgs(dict[str, Any]):
    """Args read from stack config: errors then say how to fix them with ``pulumi config set``."""


def args_from_stack_config() -> BentoCloudflareArgs:
    """Build the component args from the current stack's ``bento-cf:*`` config."""
    _reject_unknown_keys()
    args: dict[str, Any] = {}
    for key in _PLAIN_KEYS:
        value = _read(key)
        if value is not None:
            args[key] = value

    _reject_plain_secrets(args)
    token = _read("access_token")
    if token is not None:
        access = dict(args.get("access") or {})
        access["token"] = pulumi.Output.secret(_checked_token(str(token), key="access_token"))
        args["access"] = access

    admin_token = _read("admin_token")
    if admin_token is not None:
        access = dict(args.get("access") or {})
        access["admin_token"] = pulumi.Output.secret(_checked_token(str(admin_token), key="admin_token"))
        args["access"] = access

    secrets = _read("secrets")
    if secrets is not None:
        _require_secret(
            f"{CONFIG_NAMESPACE}:secrets",
            f"pulumi config set --secret --path {CONFIG_NAMESPACE}:secrets.NAME <value>",
        )
        if not isinstance(secrets, dict):
            raise BentoCfConfigError(
                [
                    f"{CONFIG_NAMESPACE}:secrets: must be a map of NAME: value — set each with: "
                    f"pulumi config set --secret --path {CONFIG_NAMESPACE}:secrets.NAME <value>"
                ]
            )
        container = dict(args.get("container") or {})
        # The names are plain (needed to check the Bento config now); the values stay secret.
        container["secrets"] = {name: pulumi.Output.secret(str(v)) for name, v in secrets.items()}
        args["container"] = container
    return cast(BentoCloudflareArgs, StackConfigArgs(args))


def _checked_token(token: str, *, key: str) -> str:
    """The value is known here (config is decrypted before the program runs): check its shape."""
    key = f"{CONFIG_NAMESPACE}:{key}"
    if not token:
        raise BentoCfConfigError(
            [f"{key}: must not be empty — set it with: pulumi config set --secret {key} <token>"]
        )
    if any(ch.isspace() for ch in token):
        raise BentoCfConfigError(
            [f"{key}: must not contain whitespace (clients send it as Authorization: Bearer <token>)"]
        )
    _require_secret(key, f"pulumi config set --secret {key} <token>")
    return token


def _require_secret(key: str, command: str) -> None:
    """A secret set without --secret sits in plain text in the stack file, and so in git."""
    if not runtime_config.is_config_secret(key):
        raise BentoCfConfigError([f"{key}: stored in plain text in the stack file; set it with: {command}"])


def _reject_plain_secrets(args: dict[str, Any]) -> None:
    """Secrets written inside plain objects would sit unencrypted in the stack file."""
    access = args.get("access")
    for field, key in (("token", "access_token"), ("admin_token", "admin_token")):
        if isinstance(access, dict) and field in access:
            raise BentoCfConfigError(
                [
                    f"{CONFIG_NAMESPACE}:access.{field}: a token does not belong in plain config; "
                    f"set it with: pulumi config set --secret {CONFIG_NAMESPACE}:{key} <token>"
                ]
            )
    container = args.get("container")
    if isinstance(container, dict) and "secrets" in container:
        names = container["secrets"] if isinstance(container["secrets"], dict) else {}
        example = next(iter(names), "API_KEY")
        raise BentoCfConfigError(
            [
                f"{CONFIG_NAMESPACE}:container.secrets: secrets do not belong in plain config; set each "
                f"with: pulumi config set --secret --path {CONFIG_NAMESPACE}:secrets.{example} <value>"
            ]
        )


def _read(key: str) -> Any:
    """The raw value of ``bento-cf:<key>``, JSON-decoded when it is an object or a list.

    Reads the engine's config map directly so secret keys do not trigger Pulumi's "read a
    secret as plain" warning; secrecy is restored by the caller with ``Output.secret``.
    """
    raw = runtime_config.get_config(f"{CONFIG_NAMESPACE}:{key}")
    if raw is None:
        return None
    if isinstance(raw, str) and raw[:1] in "{[":
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return _scalar(raw)


def _scalar(raw: Any) -> Any:
    """Pulumi passes scalars as strings; turn ``true``/``false`` back into booleans."""
    if not isinstance(raw, str):
        return raw
    if raw in {"true", "false"}:
        return raw == "true"
    return raw


def _reject_unknown_keys() -> None:
    known = set(_PLAIN_KEYS) | set(_SECRET_KEYS)
    present = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    problems = []
    for full_key in sorted(present):
        namespace, _, key = full_key.partition(":")
        if namespace != CONFIG_NAMESPACE and difflib.get_close_matches(
            namespace, [CONFIG_NAMESPACE], cutoff=0.8
        ):
            # bento_cf:…, bentocf:… — silently ignored settings are the worst kind of typo.
            problems.append(
                f"{full_key}: unknown namespace {namespace!r}; did you mean {CONFIG_NAMESPACE}:{key}?"
            )
            continue
        if namespace != CONFIG_NAMESPACE or key in known:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = (
            f"did you mean {CONFIG_NAMESPACE}:{close[0]}?"
            if close
            else f"known keys: {', '.join(sorted(known))}"
        )
        problems.append(f"{full_key}: unknown setting; {hint}")
    if problems:
        raise BentoCfConfigError(problems)
