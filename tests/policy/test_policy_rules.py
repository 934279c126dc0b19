"""Each policy's validator on compliant, non-compliant and not-yet-known inputs.

``ResourceValidationArgs`` is built directly and ``policy.validate`` called, with properties
decoded by the SDK's own functions (secrets unwrapped, unknowns behind the raising proxy).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from policy_harness import (
    UNKNOWN,
    access_token,
    custom_domains,
    image_digest,
    management_endpoints,
    max_instances,
    resources,
    secret,
    secrets_marked_secret,
    violations,
)
from pulumi_policy.proxy import UnknownValueError

CONTAINER_APPLICATION = resources.CONTAINER_APPLICATION
CUSTOM_DOMAIN = resources.CUSTOM_DOMAIN
REGISTRY_CREDENTIALS = resources.REGISTRY_CREDENTIALS
WORKER_SCRIPT = resources.WORKER_SCRIPT

DIGEST = "sha256:" + "0123456789abcdef" * 4
TOKEN = "tok-4f1d2c9e8b7a"


def settings(**overrides: Any) -> str:
    base: dict[str, Any] = {"pattern": "request", "inputPath": "/post", "access": {"mode": "bearer"}}
    base.update(overrides)
    return json.dumps(base, sort_keys=True)


def worker(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "script_name": "shop-dev",
        "settings_json": settings(),
        "secret_bindings": secret({"BENTO_CF_ACCESS_TOKEN": TOKEN}),
    }
    base.update(overrides)
    return base


# --- image-pinned-by-digest ---------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [f"registry.cloudflare.com/acc/shop-dev@{DIGEST}", f"docker.io/library/bento:1.20.0@{DIGEST}"],
)
def test_image_digest_accepts_digest_refs(image: str) -> None:
    assert violations(image_digest.policy, CONTAINER_APPLICATION, {"image": image, "max_instances": 2}) == []


@pytest.mark.parametrize(
    "image",
    [
        "registry.cloudflare.com/acc/shop-dev:7416c9b8e5728bbc",
        "docker.io/library/bento:latest",
        "docker.io/library/bento@sha256:abc",  # too short
        f"docker.io/library/bento@{DIGEST.upper()}",
        "",
    ],
)
def test_image_digest_refuses_tags_and_bad_digests(image: str) -> None:
    found = violations(image_digest.policy, CONTAINER_APPLICATION, {"image": image})
    assert len(found) == 1 and "not pinned by digest" in found[0]


def test_image_digest_refuses_a_missing_image() -> None:
    assert len(violations(image_digest.policy, CONTAINER_APPLICATION, {})) == 1


def test_image_digest_unknown_image_is_left_to_the_sdk() -> None:
    with pytest.raises(UnknownValueError):
        violations(image_digest.policy, CONTAINER_APPLICATION, {"image": UNKNOWN})


def test_image_digest_ignores_other_types() -> None:
    assert violations(image_digest.policy, WORKER_SCRIPT, {"image": "x:latest"}) == []


# --- management-endpoints-private ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/post", "/ingest/{tenant}", "/hooks/", "/api/{v:v[0-9]+}/events"])
def test_management_accepts_input_paths_of_their_own(path: str) -> None:
    props = worker(settings_json=settings(inputPath=path))
    assert violations(management_endpoints.policy, WORKER_SCRIPT, props) == []


@pytest.mark.parametrize(
    ("path", "reached"),
    [
        ("/metrics", "/metrics"),
        ("/stats", "/stats"),
        ("/version", "/version"),
        ("/debug/", "/debug/config/json"),
        ("/debug/pprof/heap", "/debug/pprof/heap"),
        ("/ready", "/ready"),
        ("/", "/metrics"),  # a prefix route catches everything
        ("/{any}", "/metrics"),  # one segment of anything
        ("/bento/", "/bento/metrics"),  # Bento's default root path
        ("/{p:metrics|post}", "/metrics"),
    ],
)
def test_management_refuses_routes_that_reach_management(path: str, reached: str) -> None:
    props = worker(settings_json=settings(inputPath=path))
    found = violations(management_endpoints.policy, WORKER_SCRIPT, props)
    assert len(found) == 1
    assert reached in management_endpoints.exposed_paths(path)
    assert "management endpoints" in found[0]


def test_management_matcher_follows_the_worker() -> None:
    matcher = management_endpoints.compile_input_path("/ingest/{tenant}")
    assert matcher.match("/ingest/acme")
    assert not matcher.match("/ingest/acme/more")
    assert not matcher.match("/ingest")
    assert management_endpoints.compile_input_path("/hooks/").match("/hooks/a/b")


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", 42])
def test_management_refuses_unreadable_settings(raw: Any) -> None:
    found = violations(management_endpoints.policy, WORKER_SCRIPT, worker(settings_json=raw))
    assert len(found) == 1 and "cannot check" in found[0]


def test_management_unknown_settings_are_left_to_the_sdk() -> None:
    with pytest.raises(UnknownValueError):
        violations(management_endpoints.policy, WORKER_SCRIPT, worker(settings_json=UNKNOWN))


# --- access-token-required ----------------------------------------------------------------


def test_access_bearer_with_token_passes() -> None:
    assert violations(access_token.policy, WORKER_SCRIPT, worker()) == []


def test_access_bearer_with_a_token_not_known_yet_passes() -> None:
    # The binding is there; its value is computed later (e.g. a generated password).
    props = worker(secret_bindings=secret({"BENTO_CF_ACCESS_TOKEN": UNKNOWN, "API_KEY": "k"}))
    assert violations(access_token.policy, WORKER_SCRIPT, props) == []


@pytest.mark.parametrize("bindings", [secret({}), secret({"API_KEY": "k"}), {}, None])
def test_access_bearer_without_token_is_refused(bindings: Any) -> None:
    props = worker(secret_bindings=bindings)
    if bindings is None:
        del props["secret_bindings"]
    found = violations(access_token.policy, WORKER_SCRIPT, props)
    assert len(found) == 1 and "BENTO_CF_ACCESS_TOKEN" in found[0]


def test_access_explicitly_public_needs_no_token() -> None:
    props = worker(settings_json=settings(access={"mode": "public"}), secret_bindings=secret({}))
    assert violations(access_token.policy, WORKER_SCRIPT, props) == []


@pytest.mark.parametrize("access", [{}, {"mode": "none"}, None, "bearer"])
def test_access_unclear_mode_is_refused(access: Any) -> None:
    found = violations(access_token.policy, WORKER_SCRIPT, worker(settings_json=settings(access=access)))
    assert len(found) == 1 and "access.mode" in found[0]


def test_access_unknown_bindings_are_left_to_the_sdk() -> None:
    with pytest.raises(UnknownValueError):
        violations(access_token.policy, WORKER_SCRIPT, worker(secret_bindings=secret(UNKNOWN)))


# --- max-instances-set --------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 2, 20, 1000.0])
def test_max_instances_accepts_counts(value: Any) -> None:
    assert violations(max_instances.policy, CONTAINER_APPLICATION, {"max_instances": value}) == []


@pytest.mark.parametrize(
    ("props", "words"),
    [
        ({}, "not set"),
        ({"max_instances": None}, "not set"),
        ({"max_instances": 0}, "at least 1"),
        ({"max_instances": -3}, "at least 1"),
        ({"max_instances": 2.5}, "whole number"),
        ({"max_instances": "5"}, "whole number"),
        ({"max_instances": True}, "whole number"),
    ],
)
def test_max_instances_refuses_missing_or_bad(props: dict[str, Any], words: str) -> None:
    found = violations(max_instances.policy, CONTAINER_APPLICATION, props)
    assert len(found) == 1 and words in found[0]


def test_max_instances_unknown_is_left_to_the_sdk() -> None:
    with pytest.raises(UnknownValueError):
        violations(max_instances.policy, CONTAINER_APPLICATION, {"max_instances": UNKNOWN})


# --- secrets-marked-secret ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "output"),
    [(WORKER_SCRIPT, "secret_bindings"), (REGISTRY_CREDENTIALS, "password")],
)
def test_secret_outputs_declared(resource_type: str, output: str) -> None:
    policy = secrets_marked_secret.policy
    assert violations(policy, resource_type, {}, additional_secret_outputs=[output]) == []
    found = violations(policy, resource_type, {}, additional_secret_outputs=["other"])
    assert len(found) == 1 and output in found[0] and "plain text" in found[0]


def test_secret_outputs_ignore_other_types() -> None:
    assert violations(secrets_marked_secret.policy, CONTAINER_APPLICATION, {}) == []


# --- custom-domain-bare-hostname ----------------------------------------------------------


@pytest.mark.parametrize("hostname", ["bento.example.com", "a-b.c.example.co.uk", "x1.io"])
def test_custom_domain_accepts_bare_hostnames(hostname: str) -> None:
    assert violations(custom_domains.policy, CUSTOM_DOMAIN, {"hostname": hostname}) == []


@pytest.mark.parametrize(
    "hostname",
    [
        "https://bento.example.com",
        "bento.example.com/ingest",
        "bento.example.com:8443",
        "*.example.com",
        "Bento.Example.com",
        "localhost",
        "",
    ],
)
def test_custom_domain_refuses_urls_patterns_and_ports(hostname: str) -> None:
    found = violations(custom_domains.policy, CUSTOM_DOMAIN, {"hostname": hostname})
    assert len(found) == 1 and "bare hostname" in found[0]


def test_custom_domain_unknown_is_left_to_the_sdk() -> None:
    with pytest.raises(UnknownValueError):
        violations(custom_domains.policy, CUSTOM_DOMAIN, {"hostname": UNKNOWN})
