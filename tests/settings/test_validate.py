"""Settings: good input is defaulted, bad input gives one line naming the key and the fix."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.settings import validate_settings
from bento_cf_component.settings.validate import default_worker_name

ACCOUNT = "0123456789abcdef0123456789abcdef"
ZONE = "fedcba9876543210fedcba9876543210"


def good(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "account_id": ACCOUNT,
        "bento": {"config": "bento.yaml"},
        "container": {"max_instances": 3},
        "access": {"token": "t0ken"},
    }
    args.update(overrides)
    return args


def problems(args: dict[str, Any]) -> list[str]:
    with pytest.raises(BentoCfConfigError) as caught:
        validate_settings(args, project="shop", stack="dev")
    return list(caught.value.problems)


def test_defaults_follow_wrangler() -> None:
    settings = validate_settings(good(), project="Shop_API", stack="dev")
    assert settings.worker_name == "shop-api-dev"
    assert settings.pattern == "request"
    assert settings.container.instance_type == "lite"
    assert settings.container.sleep_after == "10m"
    assert settings.instances.count == 1
    assert settings.routing.workers_dev is True
    assert settings.image.base_image == "ghcr.io/warpstreamlabs/bento:1.20.0"
    assert settings.application_name == "shop-api-dev-bentocontainer"


def test_outputs_pass_through_unvalidated() -> None:
    token = pulumi.Output.secret("x")
    settings = validate_settings(good(access={"token": token}), project="p", stack="s")
    assert settings.access.token is token


def test_max_instances_zero_names_key_and_fix() -> None:
    [line] = problems(good(container={"max_instances": 0}))
    assert line.startswith("bento-cf:container.max_instances: ")
    assert "greater than or equal to 1" in line
    assert "(got 0)" in line
    assert "pulumi config set --path bento-cf:container.max_instances" in line


def test_max_instances_missing() -> None:
    [line] = problems(good(container={}))
    assert line == (
        "bento-cf:container.max_instances: required — set it with: "
        "pulumi config set --path bento-cf:container.max_instances <value>"
    )


def test_unknown_instance_type_lists_choices() -> None:
    [line] = problems(good(container={"max_instances": 1, "instance_type": "huge"}))
    assert line.startswith("bento-cf:container.instance_type: 'huge' is not one of ")
    assert "'standard-4'" in line


def test_typo_gets_did_you_mean() -> None:
    [line] = problems(good(container={"max_instances": 1, "max_instance": 2}))
    assert line == "bento-cf:container.max_instance: unknown setting; did you mean 'max_instances'?"


def test_token_required_unless_public() -> None:
    [line] = problems(good(access={}))
    assert line.startswith("bento-cf:access.token: a bearer token is required")
    assert "pulumi config set --secret bento-cf:access_token" in line
    assert validate_settings(good(access={"public": True}), project="p", stack="s").access.public


def test_secret_values_never_echoed() -> None:
    lines = problems(
        good(access={"token": 12345678}, container={"max_instances": 1, "secrets": {"K": 987654}})
    )
    joined = "\n".join(lines)
    assert "12345678" not in joined and "987654" not in joined
    assert any(line.startswith("bento-cf:access.token") for line in lines)
    assert any(line.startswith("bento-cf:container.secrets.K") for line in lines)


@pytest.mark.parametrize(
    ("domain", "fragment"),
    [
        ({"hostname": "*.example.com", "zone_name": "example.com"}, "must be a bare hostname"),
        ({"hostname": "https://a.example.com", "zone_name": "example.com"}, "must be a bare hostname"),
        ({"hostname": "a.example.com/x", "zone_name": "example.com"}, "must be a bare hostname"),
        ({"hostname": "a.example.com"}, "needs zone_name"),
    ],
)
def test_custom_domains_bare_hostnames_only(domain: dict[str, str], fragment: str) -> None:
    [line] = problems(good(routing={"custom_domains": [domain]}))
    assert line.startswith("bento-cf:routing.custom_domains.0")
    assert fragment in line


def test_route_needs_host_and_path() -> None:
    [line] = problems(good(routing={"routes": [{"pattern": "https://example.com/*", "zone_id": ZONE}]}))
    assert line.startswith("bento-cf:routing.routes.0.pattern: ")


def test_unreachable_worker_refused() -> None:
    [line] = problems(good(routing={"workers_dev": False}))
    assert line.startswith("bento-cf:routing: the Worker would have no address")


def test_instances_bounded_by_max_instances() -> None:
    [line] = problems(good(instances={"count": 5}))
    assert line.startswith(
        "bento-cf:instances.count: instances.count (5) exceeds container.max_instances (3)"
    )


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("registry.cloudflare.com/acct/bento:1.0", "must be pinned by digest"),
        ("ghcr.io/warpstreamlabs/bento@sha256:" + "a" * 64, "cannot pull from ghcr.io"),
    ],
)
def test_prebuilt_image_must_be_pullable_and_pinned(ref: str, fragment: str) -> None:
    [line] = problems(good(image={"ref": ref}))
    assert line.startswith("bento-cf:image.ref: ")
    assert fragment in line


def test_prebuilt_image_accepted() -> None:
    ref = "docker.io/acme/bento@sha256:" + "b" * 64
    assert validate_settings(good(image={"ref": ref}), project="p", stack="s").image.ref == ref


def test_mutable_bento_version_refused() -> None:
    [line] = problems(good(image={"bento_version": "latest"}))
    assert line.startswith("bento-cf:image.bento_version: ")


def test_bad_account_id_and_duration_reported_together() -> None:
    lines = problems(
        good(account_id="not-an-id", container={"max_instances": 1, "sleep_after": "ten minutes"})
    )
    assert len(lines) == 2
    assert lines[0].startswith("bento-cf:account_id: must be the 32-character hex account id")
    assert lines[1].startswith("bento-cf:container.sleep_after: must be a duration")


def test_reserved_and_clashing_names() -> None:
    [line] = problems(good(container={"max_instances": 1, "secrets": {"BENTO_CF_SETTINGS": "x"}}))
    assert "reserved by the Worker" in line
    [line] = problems(good(container={"max_instances": 1, "env": {"A": "1"}, "secrets": {"A": "2"}}))
    assert "is both in container.env and container.secrets" in line


def test_bento_source_exactly_one() -> None:
    [line] = problems(good(bento={}))
    assert line.startswith("bento-cf:bento: give exactly one of bento.config")


def test_default_worker_name_is_valid() -> None:
    assert default_worker_name("My Project!!", "Prod") == "my-project-prod"
    assert len(default_worker_name("x" * 80, "dev")) <= 63


def test_account_capacity_limits() -> None:
    # standard-4 is 4 vCPU: 400 instances need 1,600 vCPU, over the 1,500 account limit.
    [line] = problems(good(container={"max_instances": 400, "instance_type": "standard-4"}))
    assert line.startswith("bento-cf:container.max_instances: 400 standard-4 instances would need 1600 vCPU")
    assert "over the account limit of 1500" in line
    ok = validate_settings(
        good(container={"max_instances": 375, "instance_type": "standard-4"}), project="p", stack="s"
    )
    assert ok.container.max_instances == 375


@pytest.mark.parametrize(
    "base", ["ghcr.io/warpstreamlabs/bento:latest", "ghcr.io/warpstreamlabs/bento", "x/y:edge"]
)
def test_base_image_must_be_pinned(base: str) -> None:
    [line] = problems(good(image={"base": base}))
    assert line.startswith("bento-cf:image.base: image.base") and "must be pinned" in line


def test_pinned_base_images_accepted() -> None:
    for base in ("ghcr.io/warpstreamlabs/bento:1.20.0", "ghcr.io/warpstreamlabs/bento@sha256:" + "a" * 64):
        assert validate_settings(good(image={"base": base}), project="p", stack="s").image.base == base
