"""``RegistryCredentials``: short-lived push credentials for ``registry.cloudflare.com``.

Credentials are minted (``containers.registries.credentials.generate``) when the resource is
created, when an input changes — in practice the image tag, i.e. right before the push that needs
them — and when the stored ones have expired or expire within ``REFRESH_MARGIN``: a re-run after a
failed or late push then gets fresh credentials (``diff`` compares ``expires_at`` with now). While
they are fresh and the tag is unchanged, a re-run mints nothing. The password is a secret output.
Delete does nothing on the account: the credentials simply expire.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from bento_cf_component.cloudflare.client import make_client
from bento_cf_component.cloudflare.errors import CONTAINERS_WRITE, cloudflare_errors
from bento_cf_component.cloudflare.props import as_int, as_str, changed_keys, is_unknown

REGISTRY = "registry.cloudflare.com"
PERMISSIONS: list[Literal["pull", "push", "list"]] = ["push", "pull"]

INPUT_KEYS = ("account_id", "image_tag", "registry", "expiration_minutes")
REPLACE_KEYS = ("account_id", "registry")
DEFAULTS: dict[str, Any] = {"registry": REGISTRY, "expiration_minutes": 30}
MAX_EXPIRATION_MINUTES = 24 * 60
REFRESH_MARGIN = timedelta(minutes=10)
"""Credentials with less than this left are minted again: a build and push must fit in what remains."""


def needs_refresh(expires_at: object, now: datetime, expiration_minutes: int) -> bool:
    """True when stored credentials are missing, unreadable, expired or about to expire.

    The margin is at most half the lifetime, so short-lived credentials are not re-minted forever.
    """
    if not isinstance(expires_at, str) or not expires_at:
        return True
    try:
        expiry = datetime.fromisoformat(expires_at)
    except ValueError:
        return True
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=UTC)
    margin = min(REFRESH_MARGIN, timedelta(minutes=expiration_minutes) / 2)
    return expiry - now <= margin


class RegistryCredentialsProvider(ResourceProvider):
    """Mints registry credentials through the official SDK. Holds no state: it is pickled."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {**DEFAULTS, **{k: v for k, v in news.items() if v is not None}}
        failures: list[CheckFailure] = []
        for key in ("account_id", "image_tag", "registry"):
            value = inputs.get(key)
            if not is_unknown(value) and (not isinstance(value, str) or not value.strip()):
                failures.append(CheckFailure(key, f"'{key}' is required and must be a non-empty string"))
        minutes = inputs.get("expiration_minutes")
        if not is_unknown(minutes) and (
            isinstance(minutes, bool)
            or not isinstance(minutes, int | float)
            or int(minutes) != minutes
            or not 1 <= minutes <= MAX_EXPIRATION_MINUTES
        ):
            failures.append(
                CheckFailure(
                    "expiration_minutes",
                    f"expiration_minutes {minutes!r} must be a whole number from 1 to "
                    f"{MAX_EXPIRATION_MINUTES}",
                )
            )
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes = changed_keys(olds, news, INPUT_KEYS)
        replaces = [key for key in changes if key in REPLACE_KEYS]
        minutes = news.get("expiration_minutes")
        lifetime = int(minutes) if isinstance(minutes, int | float) and not isinstance(minutes, bool) else 30
        stale = needs_refresh(olds.get("expires_at"), datetime.now(UTC), lifetime)
        return DiffResult(changes=bool(changes) or stale, replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._mint(props)
        return CreateResult(id_=f"{outs['registry']}/{as_str(props, 'image_tag')}", outs=outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=self._mint(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: the credentials expire on their own."""

    def _mint(self, props: Mapping[str, Any]) -> dict[str, Any]:
        account_id = as_str(props, "account_id")
        registry = str(props.get("registry") or REGISTRY)
        minutes = as_int(props, "expiration_minutes", 30)
        client = make_client()
        with cloudflare_errors(f"minting push credentials for {registry}", permission=CONTAINERS_WRITE):
            credentials = client.containers.registries.credentials.generate(
                registry,
                account_id=account_id,
                expiration_minutes=minutes,
                permissions=list(PERMISSIONS),
            )
        expires_at = datetime.now(UTC) + timedelta(minutes=minutes)
        return {
            **{key: props.get(key) for key in INPUT_KEYS},
            "registry": registry,
            "username": credentials.username,
            "password": credentials.password,
            "expires_at": expires_at.isoformat(timespec="seconds"),
        }


class RegistryCredentials(Resource, module="bentocf", name="RegistryCredentials"):
    """Push/pull credentials for the Cloudflare registry, minted when ``image_tag`` changes."""

    username: pulumi.Output[str]
    password: pulumi.Output[str]
    """Secret."""
    registry: pulumi.Output[str]
    expires_at: pulumi.Output[str]
    """When the credentials stop working (ISO 8601, UTC)."""

    def __init__(
        self,
        resource_name: str,
        *,
        account_id: pulumi.Input[str],
        image_tag: pulumi.Input[str],
        registry: pulumi.Input[str] = REGISTRY,
        expiration_minutes: pulumi.Input[int] = 30,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "account_id": account_id,
            "image_tag": image_tag,
            "registry": registry,
            "expiration_minutes": expiration_minutes,
            "username": None,
            "password": None,
            "expires_at": None,
        }
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["password"])
        super().__init__(
            RegistryCredentialsProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(secret_opts, opts),
        )
