"""Stack config → args: objects decoded, secrets kept secret, typos in keys caught."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pulumi
import pytest
from pulumi.runtime.config import set_all_config
from pulumi.runtime.sync_await import _sync_await

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.settings import args_from_stack_config


@pytest.fixture(autouse=True)
def _clean_config() -> Iterator[None]:
    yield
    set_all_config({}, [])


async def _value(output: pulumi.Output[str]) -> tuple[str, bool]:
    return await output.future(), await output.is_secret()  # type: ignore[return-value]


def test_reads_objects_and_secrets() -> None:
    set_all_config(
        {
            "bento-cf:account_id": "0123456789abcdef0123456789abcdef",
            "bento-cf:container": json.dumps({"max_instances": 2, "env": {"A": "1"}}),
            "bento-cf:routing": json.dumps({"workers_dev": False}),
            "bento-cf:access_token": "tok",
            "bento-cf:secrets": json.dumps({"API_KEY": "k1"}),
            "other:key": "ignored",
        },
        ["bento-cf:access_token", "bento-cf:secrets"],
    )
    args = args_from_stack_config()
    assert args["account_id"] == "0123456789abcdef0123456789abcdef"
    assert args["container"]["max_instances"] == 2
    assert args["routing"]["workers_dev"] is False
    token = args["access"]["token"]
    secret = args["container"]["secrets"]["API_KEY"]
    assert isinstance(token, pulumi.Output) and isinstance(secret, pulumi.Output)
    assert _sync_await(_value(token)) == ("tok", True)
    assert _sync_await(_value(secret)) == ("k1", True)


def test_unknown_key_gets_did_you_mean() -> None:
    set_all_config({"bento-cf:contaner": json.dumps({"max_instances": 1})}, [])
    with pytest.raises(BentoCfConfigError) as caught:
        args_from_stack_config()
    assert caught.value.problems == ("bento-cf:contaner: unknown setting; did you mean bento-cf:container?",)


def test_secrets_must_be_a_map() -> None:
    set_all_config({"bento-cf:secrets": "just-a-string"}, ["bento-cf:secrets"])
    with pytest.raises(BentoCfConfigError) as caught:
        args_from_stack_config()
    [line] = caught.value.problems
    assert line.startswith("bento-cf:secrets: must be a map of NAME: value")
    assert "just-a-string" not in line
