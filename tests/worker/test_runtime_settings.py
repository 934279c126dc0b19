"""RuntimeSettings: the exact JSON contract of BENTO_CF_SETTINGS, deterministic bytes."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bento_cf_component.worker.runtime_settings import RuntimeSettings

from .conftest import BASE_SETTINGS

CONTRACT_EXAMPLE = {
    "pattern": "request",
    "port": 4195,
    "inputPath": "/post",
    "inputMethods": ["POST"],
    "responseMode": "sync",
    "instances": {"count": 3, "stickyHeader": None},
    "access": {"mode": "bearer"},
    "startupBudgetMs": 20000,
    "retryAfterSeconds": 10,
    "sleepAfter": "10m",
    "envVars": {"LOG_LEVEL": "info"},
    "secretEnvNames": ["API_KEY"],
}


def test_contract_example_round_trips_exactly() -> None:
    settings = RuntimeSettings.from_dict(CONTRACT_EXAMPLE)
    assert settings.to_dict() == CONTRACT_EXAMPLE
    assert json.loads(settings.to_json()) == CONTRACT_EXAMPLE


def test_json_is_compact_with_sorted_keys() -> None:
    text = RuntimeSettings.from_dict(CONTRACT_EXAMPLE).to_json()
    assert text.startswith('{"access":{"mode":"bearer"},"envVars":{"LOG_LEVEL":"info"},"inputMethods"')
    assert ", " not in text and ": " not in text


def test_equal_settings_give_identical_bytes_whatever_the_input_order() -> None:
    a = dataclasses.replace(BASE_SETTINGS, env_vars={"B": "2", "A": "1"}, secret_env_names=("Y", "X", "Y"))
    b = dataclasses.replace(BASE_SETTINGS, env_vars={"A": "1", "B": "2"}, secret_env_names=("X", "Y"))
    assert a.to_json() == b.to_json()
    assert a.secret_env_names == ("X", "Y")


def test_methods_are_upper_cased_once() -> None:
    settings = dataclasses.replace(BASE_SETTINGS, input_methods=("post", "PUT", "POST"))
    assert settings.input_methods == ("POST", "PUT")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"port": 0}, "port"),
        ({"port": True}, "port"),
        ({"input_path": "post"}, "input_path"),
        ({"input_methods": ()}, "input_methods"),
        ({"input_methods": ("PO ST",)}, "input_methods"),
        ({"response_mode": "async"}, "response_mode"),
        ({"instance_count": 0}, "instance_count"),
        ({"sticky_header": "X Tenant"}, "sticky_header"),
        ({"access_mode": "basic"}, "access_mode"),
        ({"startup_budget_ms": 0}, "startup_budget_ms"),
        ({"retry_after_seconds": -1}, "retry_after_seconds"),
        ({"sleep_after": "10 minutes"}, "sleep_after"),
        ({"env_vars": {"1BAD": "x"}}, "env_vars"),
        ({"env_vars": {"N": 3}}, "env_vars"),
        ({"secret_env_names": ("BENTO_CF_ACCESS_TOKEN",)}, "BENTO_CF_ACCESS_TOKEN"),
        ({"secret_env_names": ("LOG_LEVEL",)}, "LOG_LEVEL"),
        ({"pattern": "batch"}, "pattern"),
    ],
)
def test_invalid_values_are_refused_by_name(change: dict[str, object], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        dataclasses.replace(BASE_SETTINGS, **change)  # type: ignore[arg-type]


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        BASE_SETTINGS.port = 1  # type: ignore[misc]
