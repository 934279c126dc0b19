"""Failures: bounded retries of 429/5xx, one-line messages naming the permission, secrets never shown."""

from __future__ import annotations

import traceback

import pytest
from cf_helpers import ACCOUNT, SCRIPT, SECRET_API_KEY, SECRET_TOKEN, app_inputs, worker_inputs
from emulator import CloudflareEmulator
from emulator.server import CONTAINERS, SCRIPTS

from bento_cf_component.cloudflare.client import MAX_RETRIES, make_client
from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.errors import SCRIPTS_WRITE, CloudflareDeployError, cloudflare_errors
from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

UPLOAD = rf"/workers/scripts/{SCRIPT}$"
FAST_RETRY = {"retry-after-ms": "10"}


def assert_one_clean_line(error: BaseException, *forbidden: str) -> str:
    message = str(error)
    assert "\n" not in message
    assert '{"' not in message and "'success'" not in message  # never a raw JSON dump
    for value in forbidden:
        assert value not in message
    # The SDK exception is not chained: the provider host prints the whole traceback chain.
    assert error.__cause__ is None and error.__suppress_context__
    rendered = "".join(traceback.format_exception(error))
    for value in forbidden:
        assert value not in rendered
    return message


def test_rate_limited_upload_is_retried_after_retry_after(emulator: CloudflareEmulator) -> None:
    emulator.fail(
        "PUT",
        UPLOAD,
        status=429,
        code=971,
        message="Please wait and consider throttling your request speed",
        times=1,
        headers={"Retry-After": "1"},
    )
    emulator.fail(
        "PUT",
        UPLOAD,
        status=429,
        code=971,
        message="Please wait and consider throttling your request speed",
        times=1,
        headers=FAST_RETRY,
    )

    outs = WorkerScriptProvider().create(worker_inputs()).outs or {}

    assert [r.status for r in emulator.calls("PUT")] == [429, 429, 200]
    assert outs["namespace_id"]


def test_server_errors_are_retried(emulator: CloudflareEmulator) -> None:
    emulator.fail(
        "POST",
        r"/containers/applications$",
        status=503,
        code=10013,
        message="Service unavailable",
        times=2,
        headers=FAST_RETRY,
    )
    namespace = emulator.seed_script(SCRIPT)

    ContainerApplicationProvider().create(app_inputs(namespace.id))

    assert [r.status for r in emulator.calls("POST")] == [503, 503, 200]
    assert len(emulator.applications) == 1


def test_retries_are_bounded_and_end_in_one_line(emulator: CloudflareEmulator) -> None:
    emulator.fail(
        "PUT", UPLOAD, status=500, code=10013, message="Internal server error", times=100, headers=FAST_RETRY
    )

    with pytest.raises(CloudflareDeployError) as raised:
        WorkerScriptProvider().create(worker_inputs())

    assert len(emulator.calls("PUT")) == MAX_RETRIES + 1
    message = assert_one_clean_line(raised.value, SECRET_TOKEN, SECRET_API_KEY)
    assert "server error (500" in message and "re-run" in message


def test_rate_limit_that_outlasts_retries_says_to_wait(emulator: CloudflareEmulator) -> None:
    emulator.fail(
        "GET",
        r"/containers/applications$",
        status=429,
        code=971,
        message="Please wait",
        times=100,
        headers=FAST_RETRY,
    )
    namespace = emulator.seed_script(SCRIPT)

    with pytest.raises(CloudflareDeployError, match="rate limiting") as raised:
        ContainerApplicationProvider().create(app_inputs(namespace.id))
    assert_one_clean_line(raised.value)


def test_invalid_token_is_one_line_naming_the_permission(
    emulator: CloudflareEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "not-a-valid-token-7a1")

    with pytest.raises(CloudflareDeployError) as raised:
        WorkerScriptProvider().create(worker_inputs())

    message = assert_one_clean_line(raised.value, "not-a-valid-token-7a1", SECRET_TOKEN, SECRET_API_KEY)
    assert "401" in message and "'Workers Scripts Write'" in message and "CLOUDFLARE_API_TOKEN" in message
    assert len(emulator.requests) == 1  # 401 is not retried


def test_token_without_containers_permission_is_told_which_one(
    emulator: CloudflareEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.tokens["scripts-only-token"] = frozenset({SCRIPTS})
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "scripts-only-token")
    outs = WorkerScriptProvider().create(worker_inputs()).outs or {}

    with pytest.raises(CloudflareDeployError) as raised:
        ContainerApplicationProvider().create(app_inputs(outs["namespace_id"]))

    message = assert_one_clean_line(raised.value, "scripts-only-token")
    assert "403" in message and "'Workers Containers Write'" in message


def test_token_without_scripts_permission_is_told_which_one(
    emulator: CloudflareEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.tokens["containers-only"] = frozenset({CONTAINERS})
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "containers-only")

    with pytest.raises(CloudflareDeployError, match="'Workers Scripts Write'") as raised:
        WorkerScriptProvider().delete(SCRIPT, {"account_id": ACCOUNT, "script_name": SCRIPT})
    assert_one_clean_line(raised.value, "containers-only")


def test_missing_token_fails_before_any_request(
    emulator: CloudflareEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN")

    with pytest.raises(CloudflareDeployError, match="CLOUDFLARE_API_TOKEN is not set"):
        WorkerScriptProvider().create(worker_inputs())
    assert emulator.requests == []


def test_secret_values_echoed_by_cloudflare_are_masked(emulator: CloudflareEmulator) -> None:
    # Whatever Cloudflare puts in an error (here: a binding value echoed back), the secret stays out.
    emulator.fail(
        "PUT", UPLOAD, status=400, code=10021, message=f"binding API_KEY={SECRET_API_KEY} is invalid"
    )

    with pytest.raises(CloudflareDeployError) as raised:
        WorkerScriptProvider().create(worker_inputs())

    message = assert_one_clean_line(raised.value, SECRET_API_KEY, SECRET_TOKEN)
    assert "[secret]" in message and "10021" in message


def test_rejected_upload_reports_cloudflare_code_and_message(emulator: CloudflareEmulator) -> None:
    """A migration resent by hand (what this package never does) meets Cloudflare's precondition."""
    WorkerScriptProvider().create(worker_inputs())
    client = make_client()

    with (
        pytest.raises(CloudflareDeployError) as raised,
        cloudflare_errors("uploading", permission=SCRIPTS_WRITE),
    ):
        client.workers.scripts.update(
            SCRIPT,
            account_id=ACCOUNT,
            metadata={
                "main_module": "index.js",
                "migrations": {"new_tag": "v1", "steps": [{"new_sqlite_classes": ["BentoContainer"]}]},
            },
            files=[("index.js", b"export default {}", "application/javascript+module")],
        )

    message = assert_one_clean_line(raised.value)
    assert "10079" in message and "migration tag precondition failed" in message


def test_check_failures_never_contain_secret_values() -> None:
    news = {**worker_inputs(), "secret_bindings": {"API_KEY": SECRET_API_KEY, "9bad": SECRET_TOKEN}}
    failures = WorkerScriptProvider().check({}, news).failures
    assert failures
    assert all(SECRET_API_KEY not in f.reason and SECRET_TOKEN not in f.reason for f in failures)


def test_emulator_refuses_a_bound_class_without_migration_as_cloudflare_does(
    emulator: CloudflareEmulator,
) -> None:
    client = make_client()
    with (
        pytest.raises(CloudflareDeployError, match="10061") as raised,
        cloudflare_errors("uploading", permission=SCRIPTS_WRITE),
    ):
        client.workers.scripts.update(
            SCRIPT,
            account_id=ACCOUNT,
            metadata={
                "main_module": "index.js",
                "bindings": [
                    {"type": "durable_object_namespace", "name": "B", "class_name": "BentoContainer"}
                ],
            },
            files=[("index.js", b"export default {}", "application/javascript+module")],
        )
    assert_one_clean_line(raised.value)
    assert SCRIPT not in emulator.scripts


def test_emulator_refuses_recreating_an_existing_class(emulator: CloudflareEmulator) -> None:
    emulator.seed_script(SCRIPT, migration_tag="v1")
    client = make_client()
    recreate = {"old_tag": "v1", "new_tag": "v2", "steps": [{"new_sqlite_classes": ["BentoContainer"]}]}
    with (
        pytest.raises(CloudflareDeployError, match="already depended on") as raised,
        cloudflare_errors("uploading", permission=SCRIPTS_WRITE),
    ):
        client.workers.scripts.update(
            SCRIPT,
            account_id=ACCOUNT,
            metadata={"main_module": "index.js", "migrations": recreate},
            files=[("index.js", b"export default {}", "application/javascript+module")],
        )
    assert_one_clean_line(raised.value)
    assert emulator.scripts[SCRIPT].migration_tag == "v1"
