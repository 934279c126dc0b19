"""Cloudflare error codes in plain words: what happened and what to do, one line, never raw JSON."""

from __future__ import annotations

import pytest
from cf_helpers import ACCOUNT, SCRIPT, app_inputs
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare.client import make_client
from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.error_codes import KNOWN_ERRORS
from bento_cf_component.cloudflare.errors import SCRIPTS_WRITE, CloudflareDeployError, cloudflare_errors

# (code, message Cloudflare sends, HTTP status, bare {"error": …} body, words the user must read)
CASES = [
    (
        10061,
        "Cannot create binding for class 'BentoContainer' because it is not currently configured to "
        "implement Durable Objects",
        400,
        False,
        ["no migration has created", "new_sqlite_classes"],
    ),
    (
        10074,
        "Cannot apply new-sqlite-class migration to class 'BentoContainer' that is already depended on "
        "by existing Durable Objects",
        400,
        False,
        ["already exists", "must not be sent again"],
    ),
    (
        10079,
        "Actor migration tag precondition failed, got tag '' when expected tag is 'v1'",
        412,
        False,
        ["does not match the script's live tag", "re-run"],
    ),
    (
        10097,
        "In order to use Durable Objects with a free plan, you must create a namespace using a "
        "`new_sqlite_classes` migration.",
        400,
        False,
        ["Workers Free plan", "Workers Paid plan"],
    ),
    (
        10211,
        "Durable Object class lifecycle changes are not supported in version uploads",
        400,
        False,
        ["version upload", "full upload"],
    ),
    (11000, "Queue does not exist", 404, False, ["queue does not exist", "pulumi_cloudflare.Queue"]),
    (11001, "Queue handler is missing", 400, False, ["does not export a queue() handler", "queue pattern"]),
    (
        11004,
        "workers.api.error.consumer_exists",
        400,
        False,
        ["already has a consumer", "wrangler queues consumer remove"],
    ),
    (1607, "DURABLE_OBJECT_NOT_CONTAINER_ENABLED", 400, False, ["not container-enabled", "containers"]),
    (1000, '{"error": "DURABLE_OBJECT_NOT_CONTAINER_ENABLED"}', 400, False, ["not container-enabled"]),
    (None, "VALIDATE_INPUT", 400, True, ["refused the container application's settings", "max_instances"]),
]


@pytest.mark.parametrize(("code", "message", "status", "bare", "words"), CASES)
def test_each_code_becomes_one_line_saying_what_happened_and_what_to_do(
    emulator: CloudflareEmulator, code: int | None, message: str, status: int, bare: bool, words: list[str]
) -> None:
    emulator.fail("GET", r"/workers/scripts$", status=status, code=code, message=message, bare=bare)

    with (
        pytest.raises(CloudflareDeployError) as raised,
        cloudflare_errors("deploying", permission=SCRIPTS_WRITE),
    ):
        list(make_client().workers.scripts.list(account_id=ACCOUNT))

    text = str(raised.value)
    assert "\n" not in text and '{"' not in text and "'success'" not in text
    assert text.startswith("deploying failed: ") and f"({status}, " in text
    for word in words:
        assert word in text
    if code is not None and code != 1000:
        assert str(code) in text  # the code stays searchable


def test_every_known_code_is_in_the_table_test() -> None:
    tested = {c for c, *_ in CASES} | {m for _, m, *_ in CASES}
    for known in KNOWN_ERRORS:
        if known.code in (10007, 10104, 1608):  # met through providers' own paths (adopt, 404 = gone)
            continue
        assert known.code in tested or (known.name is not None and known.name in tested), known


def test_unknown_code_keeps_cloudflare_words_without_inventing_a_fix(emulator: CloudflareEmulator) -> None:
    emulator.fail("GET", r"/workers/scripts$", status=400, code=10999, message="Something new")

    with (
        pytest.raises(CloudflareDeployError) as raised,
        cloudflare_errors("deploying", permission=SCRIPTS_WRITE),
    ):
        list(make_client().workers.scripts.list(account_id=ACCOUNT))

    assert str(raised.value) == "deploying failed: Cloudflare answered 400 (10999: Something new)"


def test_application_over_the_account_limit_reads_validate_input_in_plain_words(
    emulator: CloudflareEmulator,
) -> None:
    emulator.max_instances_limit = 2
    namespace = emulator.seed_script(SCRIPT)

    with pytest.raises(CloudflareDeployError) as raised:
        ContainerApplicationProvider().create(app_inputs(namespace.id, max_instances=3))

    text = str(raised.value)
    assert text.startswith("creating container application 'bento-dev-bentocontainer' failed: ")
    assert "VALIDATE_INPUT" in text and "max_instances fits the account's limits" in text
    assert emulator.applications == {}
