"""Property bags as the dynamic-provider host hands them to provider methods (after check)."""

from __future__ import annotations

from typing import Any

from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

ACCOUNT = "0123456789abcdef0123456789abcdef"
SCRIPT = "bento-dev"
IMAGE_A = f"registry.cloudflare.com/{ACCOUNT}/bento-dev@sha256:" + "a" * 64
IMAGE_B = f"registry.cloudflare.com/{ACCOUNT}/bento-dev@sha256:" + "b" * 64
SECRET_TOKEN = "tok-3f9a-very-secret-bearer"
SECRET_API_KEY = "key-77c1-very-secret-api"
MODULE = "export class BentoContainer {}\nexport default { fetch() { return new Response('ok') } }\n"


def worker_inputs(**overrides: Any) -> dict[str, Any]:
    news = {
        "account_id": ACCOUNT,
        "script_name": SCRIPT,
        "main_module": "index.js",
        "module_content": MODULE,
        "compatibility_date": "2026-09-01",
        "compatibility_flags": ["nodejs_compat"],
        "settings_json": '{"pattern": "request", "port": 4195}',
        "secret_bindings": {"BENTO_CF_ACCESS_TOKEN": SECRET_TOKEN, "API_KEY": SECRET_API_KEY},
        "owns_all_secrets": False,
    }
    news.update(overrides)
    result = WorkerScriptProvider().check({}, news)
    assert not result.failures, [f.reason for f in result.failures]
    return result.inputs


def app_inputs(namespace_id: str, **overrides: Any) -> dict[str, Any]:
    news = {
        "account_id": ACCOUNT,
        "name": "bento-dev-bentocontainer",
        "namespace_id": namespace_id,
        "image": IMAGE_A,
        "instance_type": "basic",
        "max_instances": 3,
        "observability_logs": True,
    }
    news.update(overrides)
    result = ContainerApplicationProvider().check({}, news)
    assert not result.failures, [f.reason for f in result.failures]
    return result.inputs
