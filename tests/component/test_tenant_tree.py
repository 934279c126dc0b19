"""The durable-object pattern's resource tree under mocks: tenant routing settings and bindings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bento_cf_component.cli.plan_engine import SECRET, PlannedResource, record_declarations
from bento_cf_component.errors import BentoCfConfigError

ACCOUNT = "0123456789abcdef0123456789abcdef"
BENTO = """\
http:
  address: 0.0.0.0:4195
input:
  http_server:
    path: /post
    ws_path: /post/ws
pipeline:
  processors:
    - mapping: |
        root = this
        root.tenant = "${TENANT_ID}"
output:
  sync_response: {}
"""


def args(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "account_id": ACCOUNT,
        "pattern": "durable-object",
        "bento": {"config": "bento.yaml"},
        "container": {"max_instances": 20, "sleep_after": "10m"},
        "access": {"token": "tok", "admin_token": "admin-tok-9f8e"},
        "tenant": {
            "source": "header",
            "header": "x-tenant",
            "allow_list": ["acme", "globex"],
            "keep_warm": {"tenants": ["acme"], "interval": "4m"},
        },
    }
    base.update(overrides)
    return base


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "bento.yaml").write_text(BENTO)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def plan(component_args: dict[str, Any]) -> dict[str, PlannedResource]:
    from bento_cf_component.component import BentoCloudflare

    recording = record_declarations(
        lambda: BentoCloudflare("tenants", component_args), project="shop", stack="dev"
    )
    return {r.name: r for r in recording.resources}


def test_tenant_settings_reach_the_worker() -> None:
    resources = plan(args())
    worker = resources["tenants-worker"]
    settings = json.loads(worker.inputs["settings_json"])
    assert settings["pattern"] == "durable-object"
    assert settings["tenant"]["source"] == "header"
    assert settings["tenant"]["header"] == "x-tenant"
    assert settings["tenant"]["allowList"] == ["acme", "globex"]
    assert settings["tenant"]["envName"] == "TENANT_ID"
    assert settings["wsPath"] == "/post/ws"
    assert settings["adminPath"] == "/_bento-cf/tenants"
    assert settings["keepWarm"] == {"tenants": ["acme"], "intervalSeconds": 240}
    assert worker.inputs["secret_bindings"] is SECRET
    assert "admin-tok-9f8e" not in repr([r.inputs for r in resources.values()])
    assert resources["tenants-container"].inputs["max_instances"] == 20


def test_tenant_id_may_be_used_in_the_config_only_here(project: Path) -> None:
    plan(args())  # ${TENANT_ID} is provided by the pattern
    with pytest.raises(BentoCfConfigError) as caught:
        plan(_request_args())
    assert any("TENANT_ID" in line for line in caught.value.problems)


def _request_args() -> dict[str, Any]:
    request = args(pattern="request")
    del request["tenant"]
    return request


def test_keep_warm_must_beat_sleep_after() -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(container={"max_instances": 20, "sleep_after": "3m"}))
    [line] = caught.value.problems
    assert line.startswith(
        "bento-cf:tenant.keep_warm.interval: tenant.keep_warm.interval (4m) must be shorter"
    )


def test_instances_refused_for_per_tenant() -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(instances={"count": 3}))
    [line] = caught.value.problems
    assert line.startswith("bento-cf:instances: instances is not used by pattern: durable-object")


def test_bad_tenant_pattern_and_allow_list() -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(tenant={"pattern": "[a-z]+"}))
    assert caught.value.problems[0].startswith("bento-cf:tenant.pattern: tenant.pattern must be anchored")
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(tenant={"allow_list": ["Acme Corp"]}))
    assert caught.value.problems[0].startswith(
        "bento-cf:tenant.allow_list: tenant 'Acme Corp' does not match"
    )


def test_tenant_env_name_is_the_workers() -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(container={"max_instances": 20, "env": {"TENANT_ID": "x"}}))
    [line] = caught.value.problems
    assert line.startswith("bento-cf:tenant.env_name: TENANT_ID is set by the Worker to the tenant id")


def test_secret_named_like_a_worker_binding() -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(container={"max_instances": 20, "secrets": {"BENTO_CF_TENANTS": "x"}}))
    assert "reserved by the Worker" in caught.value.problems[0]


def test_admin_endpoint_only_with_an_admin_token() -> None:
    access = {"token": "tok"}
    settings = json.loads(plan(args(access=access))["tenants-worker"].inputs["settings_json"])
    assert "adminPath" not in settings


@pytest.mark.parametrize("pattern", [r"^(?P<t>[a-z]+)$", r"^(?i:[a-z]+)$", r"^\A[a-z]+$", r"^[a-z]+\Z$"])
def test_python_only_regex_refused(pattern: str) -> None:
    with pytest.raises(BentoCfConfigError) as caught:
        plan(args(tenant={"pattern": pattern}))
    assert caught.value.problems[0].startswith(
        "bento-cf:tenant.pattern: tenant.pattern uses Python-only syntax"
    )


def test_common_regex_subset_accepted() -> None:
    plan(args(tenant={"pattern": r"^(?:[a-z]{2,8})(?:-[0-9]+)?$"}))
