"""The pack as the engine meets it: gRPC requests through pulumi-policy's analyzer servicer.

Covers what only the SDK path shows: enforcement levels, unknown values turned into an
advisory "can't run during preview" instead of a violation, secrets unwrapped for validation,
and the remediation that marks a plaintext ``secret_bindings`` secret.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from policy_harness import (
    ADVISORY,
    MANDATORY,
    POLICY_DIR,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    analyze,
    bento_cf_policy,
    remediate,
    resources,
    secret,
)
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

CONTAINER_APPLICATION = resources.CONTAINER_APPLICATION
WORKER_SCRIPT = resources.WORKER_SCRIPT

DIGEST_IMAGE = "registry.cloudflare.com/acc/shop-dev@sha256:" + "ab" * 32
SETTINGS = json.dumps({"inputPath": "/post", "access": {"mode": "bearer"}})


def test_pack_lists_six_policies_with_unique_names() -> None:
    policies = bento_cf_policy.policies()
    names = [p.name for p in policies]
    assert names == [
        "image-pinned-by-digest",
        "management-endpoints-private",
        "access-token-required",
        "max-instances-set",
        "secrets-marked-secret",
        "custom-domain-bare-hostname",
    ]
    assert all(isinstance(p, ResourceValidationPolicy) for p in policies)
    levels = {p.name: p.enforcement_level for p in policies}
    assert levels.pop("secrets-marked-secret") == EnforcementLevel.REMEDIATE
    assert set(levels.values()) == {EnforcementLevel.MANDATORY}


def test_pack_files() -> None:
    manifest = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    venv = POLICY_DIR / manifest["runtime"]["options"]["virtualenv"]
    assert venv.resolve() == (POLICY_DIR.parent / ".venv").resolve()
    main = (POLICY_DIR / "__main__.py").read_text()
    assert "PolicyPack(" in main and "policies()" in main
    from importlib.metadata import version

    pins = (POLICY_DIR / "requirements.txt").read_text()
    assert f"pulumi-policy=={version('pulumi-policy')}" in pins


def test_compliant_resources_get_no_diagnostics() -> None:
    assert analyze(CONTAINER_APPLICATION, {"image": DIGEST_IMAGE, "max_instances": 3}) == []
    worker = {"settings_json": SETTINGS, "secret_bindings": secret({"BENTO_CF_ACCESS_TOKEN": "t"})}
    assert analyze(WORKER_SCRIPT, worker, additional_secret_outputs=["secret_bindings"]) == []


def test_violations_are_mandatory() -> None:
    found = analyze(CONTAINER_APPLICATION, {"image": "docker.io/x/bento:latest"})
    assert {(d.policy, d.enforcement) for d in found} == {
        ("image-pinned-by-digest", MANDATORY),
        ("max-instances-set", MANDATORY),
    }


def test_unknown_values_are_advisory_not_violations() -> None:
    found = analyze(CONTAINER_APPLICATION, {"image": UNKNOWN, "max_instances": 2})
    assert len(found) == 1
    assert found[0].policy == "image-pinned-by-digest"
    assert found[0].enforcement == ADVISORY
    assert "can't be known during preview" in found[0].message


def test_secret_values_are_read_through() -> None:
    # The token binding arrives as an engine secret; the access policy still sees its name.
    worker = {"settings_json": secret(SETTINGS), "secret_bindings": secret({"BENTO_CF_ACCESS_TOKEN": "t"})}
    assert analyze(WORKER_SCRIPT, worker, additional_secret_outputs=["secret_bindings"]) == []
    worker["secret_bindings"] = secret({"API_KEY": "k"})
    found = analyze(WORKER_SCRIPT, worker, additional_secret_outputs=["secret_bindings"])
    assert [d.policy for d in found] == ["access-token-required"]


def test_missing_secret_output_option_is_reported() -> None:
    worker = {"settings_json": SETTINGS, "secret_bindings": secret({"BENTO_CF_ACCESS_TOKEN": "t"})}
    found = analyze(WORKER_SCRIPT, worker)
    assert [(d.policy, d.enforcement) for d in found] == [("secrets-marked-secret", MANDATORY)]


def test_plaintext_secret_bindings_are_remediated_to_secret() -> None:
    worker = {"settings_json": SETTINGS, "secret_bindings": {"BENTO_CF_ACCESS_TOKEN": "t"}}
    [(policy, props)] = remediate(WORKER_SCRIPT, worker)
    assert policy == "secrets-marked-secret"
    assert props["secret_bindings"] == {SIG_KEY: SECRET_SIG, "value": {"BENTO_CF_ACCESS_TOKEN": "t"}}
    assert props["settings_json"] == SETTINGS  # everything else unchanged


def test_secret_bindings_already_secret_are_left_alone() -> None:
    worker = {"settings_json": SETTINGS, "secret_bindings": secret({"BENTO_CF_ACCESS_TOKEN": "t"})}
    assert remediate(WORKER_SCRIPT, worker) == []
    assert remediate(CONTAINER_APPLICATION, {"image": DIGEST_IMAGE}) == []


def test_docs_name_every_policy() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text()
    for policy in bento_cf_policy.policies():
        assert f"`{policy.name}`" in doc, policy.name
