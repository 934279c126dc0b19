"""The durable-object part of the runtime settings: the JSON contract, and Python and the Worker
(src/settings.js, run in Node) accepting and refusing the same settings."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import subprocess
from typing import Any

import pytest

from bento_cf_component.worker.bundle import WORKER_DIR
from bento_cf_component.worker.runtime_settings import RuntimeSettings
from bento_cf_component.worker.tenant_runtime import KeepWarmRuntime, TenantRuntime, tenant_key_problem

REQUEST = RuntimeSettings(
    pattern="request",
    port=4195,
    input_path="/post",
    input_methods=("POST",),
    response_mode="sync",
    instance_count=3,
    sticky_header=None,
    access_mode="bearer",
    startup_budget_ms=20_000,
    retry_after_seconds=10,
    sleep_after="10m",
    env_vars={"LOG_LEVEL": "info"},
    secret_env_names=("API_KEY",),
)
DURABLE = dataclasses.replace(
    REQUEST,
    pattern="durable-object",
    tenant=TenantRuntime(),
    ws_path="/post/ws",
    admin_path="/_bento-cf/tenants",
    keep_warm=KeepWarmRuntime(tenants=("acme",), interval_seconds=240),
)


def test_request_pattern_json_is_unchanged() -> None:
    assert REQUEST.to_json() == (
        '{"access":{"mode":"bearer"},"envVars":{"LOG_LEVEL":"info"},"inputMethods":["POST"],'
        '"inputPath":"/post","instances":{"count":3,"stickyHeader":null},"pattern":"request","port":4195,'
        '"responseMode":"sync","retryAfterSeconds":10,"secretEnvNames":["API_KEY"],"sleepAfter":"10m",'
        '"startupBudgetMs":20000}'
    )


def test_durable_object_contract() -> None:
    data = DURABLE.to_dict()
    assert {k: data[k] for k in ("tenant", "wsPath", "adminPath", "keepWarm")} == {
        "tenant": {
            "source": "path",
            "pathPrefix": "/t",
            "header": "x-tenant-id",
            "hostnameLabel": 0,
            "pattern": "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
            "allowList": None,
            "envName": "TENANT_ID",
        },
        "wsPath": "/post/ws",
        "adminPath": "/_bento-cf/tenants",
        "keepWarm": {"tenants": ["acme"], "intervalSeconds": 240},
    }
    assert RuntimeSettings.from_dict(json.loads(DURABLE.to_json())) == DURABLE
    minimal = dataclasses.replace(DURABLE, ws_path=None, admin_path=None, keep_warm=None)
    assert not {"wsPath", "adminPath", "keepWarm"} & set(minimal.to_dict())
    assert RuntimeSettings.from_dict(minimal.to_dict()) == minimal


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("acme", None),
        ("a" * 63, None),
        ("", "empty"),
        ("a" * 64, "longer"),
        ("..", "dot segment"),
        ("\u0430cme", "only contain"),
        ("ACME", "pattern"),
        ("a/b", "only contain"),
        ("%2e%2e", "only contain"),
    ],
)
def test_tenant_keys(key: str, problem: str | None) -> None:
    found = tenant_key_problem(key, TenantRuntime().pattern)
    assert (found is None) if problem is None else (found is not None and problem in found)


# Changes to DURABLE's JSON (a path into the dict -> value) that both sides must refuse.
BAD_CHANGES: list[dict[str, Any]] = [
    {"tenant": None},
    {"tenant.source": "cookie"},
    {"tenant.pathPrefix": "/t/"},
    {"tenant.pathPrefix": "/metrics"},
    {"tenant.header": "x tenant"},
    {"tenant.hostnameLabel": -1},
    {"tenant.pattern": "[a-z]+"},
    {"tenant.pattern": "^([a-z]$"},
    {"tenant.pattern": "^[\u0430-\u044f]+$"},  # not ASCII
    {"tenant.allowList": []},
    {"tenant.allowList": ["Acme"]},
    {"tenant.allowList": ["bravo"]},  # keep-warm tenant acme not in the allow-list
    {"tenant.envName": "LOG_LEVEL"},
    {"tenant.envName": "1X"},
    {"wsPath": "/post"},
    {"wsPath": "/stats/ws"},
    {"adminPath": "/t/admin"},
    {"adminPath": "/ping"},
    {"keepWarm.intervalSeconds": 600},
    {"keepWarm.intervalSeconds": 0},
    {"keepWarm.tenants": []},
    {"keepWarm.tenants": ["acme", "acme"]},
    {"pattern": "request"},  # tenant keys are only for the durable-object pattern
]
GOOD_CHANGES: list[dict[str, Any]] = [
    {},
    {"tenant.source": "header"},
    {"tenant.source": "hostname", "tenant.hostnameLabel": 1},
    {"tenant.allowList": ["acme", "bravo"]},
    {"keepWarm": None, "wsPath": None, "adminPath": None},
    {"tenant.pattern": "^[A-Za-z0-9_]{1,40}$", "tenant.header": "X-Customer"},
]


def changed(changes: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(DURABLE.to_dict())
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[part]
        target[last] = value
    return {k: v for k, v in data.items() if v is not None}


def python_accepts(data: dict[str, Any]) -> bool:
    try:
        RuntimeSettings.from_dict(data)
    except (ValueError, KeyError, TypeError):
        return False
    return True


def worker_accepts(cases: list[dict[str, Any]]) -> list[bool]:
    script = (
        "import('./src/settings.js').then(({ validateSettings }) => {"
        "  const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "  console.log(JSON.stringify(cases.map(c => { try { validateSettings(c); return true; }"
        "  catch (e) { if (e.name !== 'ConfigError') throw e; return false; } })));"
        "});"
    )
    stdin = json.dumps(cases)
    result = subprocess.run(
        ["node", "-e", script], cwd=WORKER_DIR, input=stdin, capture_output=True, text=True, check=True
    )
    answer: list[bool] = json.loads(result.stdout)
    return answer


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH (it runs src/settings.js)")
def test_python_and_the_worker_agree() -> None:
    cases = [changed(c) for c in GOOD_CHANGES + BAD_CHANGES]
    expected = [True] * len(GOOD_CHANGES) + [False] * len(BAD_CHANGES)
    worker = worker_accepts(cases)
    python = [python_accepts(c) for c in cases]
    labels = [json.dumps(c) for c in GOOD_CHANGES + BAD_CHANGES]
    assert dict(zip(labels, python, strict=True)) == dict(zip(labels, expected, strict=True))
    assert dict(zip(labels, worker, strict=True)) == dict(zip(labels, expected, strict=True))
