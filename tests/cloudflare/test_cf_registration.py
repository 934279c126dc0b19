"""The dynamic resources under Pulumi's mocks (token, inputs, secrets) and their pickling."""

from __future__ import annotations

import base64
from typing import Any

import dill
import pulumi
import pytest
from cf_helpers import ACCOUNT, IMAGE_A, SCRIPT, SECRET_TOKEN, worker_inputs
from emulator import CloudflareEmulator
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import mocks

from bento_cf_component.cloudflare import ContainerApplication, RegistryCredentials, WorkerScript
from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.registry_credentials import RegistryCredentialsProvider
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider


class Recorder(mocks.Mocks):
    def __init__(self) -> None:
        self.created: list[mocks.MockResourceArgs] = []

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.created.append(args)
        state = dict(args.inputs)
        if args.typ.endswith(":WorkerScript"):
            state["namespace_id"] = "ns-0123"
        if args.typ.endswith(":ContainerApplication"):
            state["application_id"] = "app-0123"
        return f"{args.name}-id", state

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class SecretsMonitor(mocks.MockMonitor):
    """Also records each registration's additional secret outputs."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(recorder)
        self.secret_outputs: dict[str, list[str]] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.secret_outputs[request.name] = list(request.additionalSecretOutputs)
        return super().RegisterResource(request)


@pytest.fixture
def recorder() -> tuple[Recorder, SecretsMonitor]:
    rec = Recorder()
    monitor = SecretsMonitor(rec)
    mocks.set_mocks(rec, monitor=monitor, preview=False)
    return rec, monitor


@pulumi.runtime.test
def test_resources_register_with_bentocf_tokens_and_inputs(recorder: tuple[Recorder, SecretsMonitor]) -> Any:
    rec, monitor = recorder
    script = WorkerScript(
        "w",
        account_id=ACCOUNT,
        script_name=SCRIPT,
        main_module="index.js",
        module_content="export class BentoContainer {}",
        compatibility_date="2026-09-01",
        settings_json="{}",
        secret_bindings=pulumi.Output.secret({"BENTO_CF_ACCESS_TOKEN": SECRET_TOKEN}),
    )
    app = ContainerApplication(
        "a",
        account_id=ACCOUNT,
        name="bento-dev-bentocontainer",
        namespace_id=script.namespace_id,
        image=IMAGE_A,
        max_instances=3,
    )
    creds = RegistryCredentials("r", account_id=ACCOUNT, image_tag="cfg-1")

    def check(args: list[Any]) -> None:
        by_name = {a.name: a for a in rec.created}
        assert by_name["w"].typ == "pulumi-python:dynamic/bentocf:WorkerScript"
        assert by_name["a"].typ == "pulumi-python:dynamic/bentocf:ContainerApplication"
        assert by_name["r"].typ == "pulumi-python:dynamic/bentocf:RegistryCredentials"
        worker = by_name["w"].inputs
        assert "__provider" in worker
        assert worker["container_class"] == "BentoContainer"
        assert worker["durable_object_binding"] == "BENTO_CONTAINER"
        assert worker["settings_binding"] == "BENTO_CF_SETTINGS"
        assert worker["owns_all_secrets"] is False
        application = by_name["a"].inputs
        assert application["namespace_id"] == "ns-0123"  # wired from the script's output
        assert application["rollout_step_percentage"] == 100 and application["rollout_kind"] == "full_auto"
        assert application["instance_type"] == "lite"
        assert by_name["r"].inputs["expiration_minutes"] == 30
        assert monitor.secret_outputs["w"] == ["secret_bindings"]
        assert monitor.secret_outputs["r"] == ["password"]
        assert args[0] == "app-0123"

    return pulumi.Output.all(app.application_id, script.urn, creds.urn).apply(check)


@pytest.mark.parametrize(
    "provider", [WorkerScriptProvider(), ContainerApplicationProvider(), RegistryCredentialsProvider()]
)
def test_providers_pickle_without_clients_or_state(provider: Any) -> None:
    blob = base64.b64decode(serialize_provider(provider))
    restored = dill.loads(blob)

    assert type(restored).__name__ == type(provider).__name__
    assert vars(restored) == {}  # nothing captured: the SDK client is built inside each method
    assert b"Cloudflare(" not in blob and b"httpx" not in blob


def test_unpickled_provider_runs_against_the_api(emulator: CloudflareEmulator) -> None:
    restored = dill.loads(base64.b64decode(serialize_provider(WorkerScriptProvider())))
    outs = restored.create(worker_inputs()).outs
    assert outs["namespace_id"] == emulator.namespace_for(SCRIPT).id
