"""RegistryCredentials: minted on create and when the image tag changes, never otherwise."""

from __future__ import annotations

from cf_helpers import ACCOUNT
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare.registry_credentials import RegistryCredentialsProvider


def inputs(**overrides: object) -> dict[str, object]:
    result = RegistryCredentialsProvider().check(
        {}, {"account_id": ACCOUNT, "image_tag": "cfg-1a2b", **overrides}
    )
    assert not result.failures, [f.reason for f in result.failures]
    return result.inputs


def test_create_mints_push_pull_credentials_for_thirty_minutes(emulator: CloudflareEmulator) -> None:
    created = RegistryCredentialsProvider().create(inputs())

    (call,) = emulator.calls("POST", "/registries/registry.cloudflare.com/credentials$")
    assert call.body == {"expiration_minutes": 30, "permissions": ["push", "pull"]}
    outs = created.outs or {}
    assert created.id == "registry.cloudflare.com/cfg-1a2b"
    assert outs["username"] == "v1" and outs["password"].startswith("regpass-")
    assert outs["registry"] == "registry.cloudflare.com" and outs["expires_at"]


def test_same_tag_mints_nothing_new_tag_mints_again(emulator: CloudflareEmulator) -> None:
    provider = RegistryCredentialsProvider()
    olds = provider.create(inputs()).outs or {}

    assert provider.diff("id", olds, inputs()).changes is False
    retagged = provider.diff("id", olds, inputs(image_tag="cfg-3c4d"))
    assert retagged.changes is True and not retagged.replaces
    outs = provider.update("id", olds, inputs(image_tag="cfg-3c4d")).outs or {}

    assert len(emulator.calls("POST")) == 2
    assert outs["password"] != olds["password"] and outs["image_tag"] == "cfg-3c4d"


def test_delete_touches_nothing(emulator: CloudflareEmulator) -> None:
    RegistryCredentialsProvider().delete("id", inputs())
    assert emulator.requests == []


def test_check_rejects_bad_expiration_and_empty_tag() -> None:
    result = RegistryCredentialsProvider().check(
        {}, {"account_id": ACCOUNT, "image_tag": "", "expiration_minutes": 0}
    )
    assert {f.property for f in result.failures} == {"image_tag", "expiration_minutes"}
