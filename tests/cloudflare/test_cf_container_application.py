"""ContainerApplication: create-or-adopt (one application per namespace), rollouts only when needed."""

from __future__ import annotations

import pytest
from cf_helpers import ACCOUNT, IMAGE_A, IMAGE_B, SCRIPT, app_inputs
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
from bento_cf_component.cloudflare.errors import CloudflareDeployError
from bento_cf_component.cloudflare.props import UNKNOWN


@pytest.fixture
def namespace_id(emulator: CloudflareEmulator) -> str:
    """A container-enabled class, as left by a successful WorkerScript upload."""
    return emulator.seed_script(SCRIPT).id


def test_application_already_bound_to_the_namespace_is_adopted_and_configured(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    # State lost, or created by wrangler: same namespace, older image, other max_instances.
    existing = emulator.seed_application(
        name="bento-dev-bentocontainer", namespace_id=namespace_id, max_instances=20
    )

    result = ContainerApplicationProvider().create(app_inputs(namespace_id))

    assert result.id == existing["id"]
    assert len(emulator.applications) == 1
    assert not emulator.calls("POST", r"/containers/applications$")
    (edit,) = emulator.calls("PATCH")
    assert edit.body == {"max_instances": 3}
    (rollout,) = emulator.calls("POST", "/rollouts$")
    assert rollout.body == {
        "description": "Progressive update",
        "strategy": "rolling",
        "kind": "full_auto",
        "step_percentage": 100,
        "target_configuration": {
            "image": IMAGE_A,
            "instance_type": "basic",
            "observability": {"logs": {"enabled": True}},
        },
    }
    assert (result.outs or {})["last_rollout_id"] == emulator.rollouts[0]["id"]
    live = emulator.applications[existing["id"]]
    assert live["configuration"]["image"] == IMAGE_A and live["max_instances"] == 3


def test_adopting_an_application_that_already_matches_sends_nothing(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    emulator.seed_application(
        name="bento-dev-bentocontainer",
        namespace_id=namespace_id,
        max_instances=3,
        configuration={
            "image": IMAGE_A,
            "instance_type": "basic",
            "observability": {"logs": {"enabled": True}},
        },
    )

    ContainerApplicationProvider().create(app_inputs(namespace_id))

    assert [r.method for r in emulator.requests] == ["GET"]


def test_interrupted_run_converges_to_one_application(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    provider = ContainerApplicationProvider()
    first = provider.create(app_inputs(namespace_id))
    # The engine died before saving state: the next `pulumi up` creates again.
    second = provider.create(app_inputs(namespace_id))

    assert second.id == first.id
    assert len(emulator.applications) == 1
    assert len(emulator.calls("POST", r"/containers/applications$")) == 1
    assert not emulator.calls("POST", "/rollouts$")


@pytest.mark.parametrize("legacy_dialect", [False, True], ids=["code-1608", "code-1000-json"])
def test_already_has_application_on_create_is_adopted(
    emulator: CloudflareEmulator, namespace_id: str, legacy_dialect: bool
) -> None:
    emulator.legacy_error_dialect = legacy_dialect
    # Created a moment ago by another run; the list does not show it yet, create refuses a second one.
    existing = emulator.seed_application(
        name="bento-dev-bentocontainer", namespace_id=namespace_id, hidden_for_lists=2
    )

    result = ContainerApplicationProvider().create(app_inputs(namespace_id))

    assert result.id == existing["id"]
    assert len(emulator.applications) == 1
    (refused,) = emulator.calls("POST", r"/containers/applications$")
    assert refused.status == 400
    assert len(emulator.calls("POST", "/rollouts$")) == 1  # the seeded image differs


def test_empty_namespace_id_fails_clearly_without_any_api_call(emulator: CloudflareEmulator) -> None:
    provider = ContainerApplicationProvider()
    failures = provider.check({}, {**app_inputs("ns"), "namespace_id": ""}).failures
    assert [f.property for f in failures] == ["namespace_id"]

    for empty in ("", "   ", UNKNOWN):
        with pytest.raises(CloudflareDeployError, match="namespace id") as raised:
            provider.create({**app_inputs("ns"), "namespace_id": empty})
        assert "\n" not in str(raised.value)
    assert emulator.requests == []


def test_class_uploaded_without_containers_fails_with_the_fix(emulator: CloudflareEmulator) -> None:
    namespace = emulator.seed_script(SCRIPT, container_enabled=False)

    with pytest.raises(CloudflareDeployError, match="not container-enabled") as raised:
        ContainerApplicationProvider().create(app_inputs(namespace.id))

    assert "containers" in str(raised.value) and "{" not in str(raised.value).replace("{class_name}", "")
    assert emulator.applications == {}


def test_image_digest_change_starts_exactly_one_rollout(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))
    olds = created.outs or {}
    news = provider.check(olds, app_inputs(namespace_id, image=IMAGE_B)).inputs

    diff = provider.diff(created.id, olds, news)
    assert diff.changes is True and not diff.replaces
    emulator.clear_calls()
    outs = provider.update(created.id, olds, news).outs or {}

    (rollout,) = emulator.calls("POST", "/rollouts$")
    assert rollout.body["target_configuration"]["image"] == IMAGE_B
    assert rollout.body["strategy"] == "rolling" and rollout.body["kind"] == "full_auto"
    assert not emulator.calls("POST", r"/containers/applications$")
    assert not emulator.calls("PATCH")  # max_instances unchanged: nothing else to edit
    assert outs["last_rollout_id"] == emulator.rollouts[-1]["id"]
    assert outs["application_id"] == created.id
    assert emulator.applications[created.id]["configuration"]["image"] == IMAGE_B


def test_max_instances_change_edits_without_a_rollout(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))
    emulator.clear_calls()

    provider.update(created.id, created.outs or {}, app_inputs(namespace_id, max_instances=5))

    (edit,) = emulator.calls("PATCH")
    assert edit.body == {"max_instances": 5}
    assert not emulator.calls("POST", "/rollouts$")


def test_rollout_settings_alone_make_no_application_call(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))
    olds = created.outs or {}
    news = app_inputs(namespace_id, rollout_step_percentage=25)
    emulator.clear_calls()

    assert provider.diff(created.id, olds, news).changes is True  # recorded for the next rollout
    outs = provider.update(created.id, olds, news).outs or {}

    assert emulator.requests == []
    assert outs["rollout_step_percentage"] == 25


def test_custom_rollout_steps_are_sent(emulator: CloudflareEmulator, namespace_id: str) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(
        app_inputs(namespace_id, rollout_step_percentage=25, rollout_kind="full_manual")
    )

    provider.update(
        created.id,
        created.outs or {},
        app_inputs(namespace_id, image=IMAGE_B, rollout_step_percentage=25, rollout_kind="full_manual"),
    )

    (rollout,) = emulator.calls("POST", "/rollouts$")
    assert rollout.body["step_percentage"] == 25 and rollout.body["kind"] == "full_manual"


def test_update_after_an_interrupted_update_sends_only_what_is_missing(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))
    news = app_inputs(namespace_id, image=IMAGE_B, max_instances=5)
    provider.update(created.id, created.outs or {}, news)  # applied, but state was not saved
    emulator.clear_calls()

    provider.update(created.id, created.outs or {}, news)

    assert not emulator.calls("PATCH") and not emulator.calls("POST")


def test_application_deleted_outside_pulumi_is_recreated_on_update(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))
    emulator.applications.clear()

    outs = provider.update(created.id, created.outs or {}, app_inputs(namespace_id, image=IMAGE_B)).outs or {}

    assert len(emulator.applications) == 1
    assert outs["application_id"] in emulator.applications
    assert outs["application_id"] != created.id


def test_name_or_namespace_change_replaces_deleting_first(namespace_id: str) -> None:
    provider = ContainerApplicationProvider()
    olds = app_inputs(namespace_id)
    renamed = provider.diff("app", olds, app_inputs(namespace_id, name="bento-dev-other"))
    assert renamed.replaces == ["name"] and renamed.delete_before_replace is True
    moved = provider.diff("app", olds, app_inputs("f" * 32))
    assert moved.replaces == ["namespace_id"] and moved.delete_before_replace is True
    unknown = provider.diff("app", olds, {**olds, "namespace_id": UNKNOWN})
    assert unknown.replaces == ["namespace_id"]


def test_delete_then_delete_again_counts_404_as_gone(emulator: CloudflareEmulator, namespace_id: str) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))

    provider.delete(created.id, created.outs or {})
    assert emulator.applications == {}
    provider.delete(created.id, created.outs or {})
    assert emulator.calls("DELETE")[-1].status == 404


def test_delete_app_then_script_is_the_teardown_order(
    emulator: CloudflareEmulator, namespace_id: str
) -> None:
    from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

    created = ContainerApplicationProvider().create(app_inputs(namespace_id))
    ContainerApplicationProvider().delete(created.id, created.outs or {})
    WorkerScriptProvider().delete(SCRIPT, {"account_id": ACCOUNT, "script_name": SCRIPT})

    deletes = [r.path for r in emulator.calls("DELETE")]
    assert deletes == [
        f"/accounts/{ACCOUNT}/containers/applications/{created.id}",
        f"/accounts/{ACCOUNT}/workers/scripts/{SCRIPT}",
    ]
    assert emulator.applications == {} and SCRIPT not in emulator.scripts


def test_read_reports_drift_and_deletion(emulator: CloudflareEmulator, namespace_id: str) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))
    emulator.applications[created.id]["max_instances"] = 9

    read = provider.read(created.id, created.outs or {})
    assert (read.outs or {})["max_instances"] == 9
    assert provider.diff(created.id, read.outs or {}, app_inputs(namespace_id)).changes is True

    emulator.applications.clear()
    assert provider.read(created.id, created.outs or {}).id == ""


def test_check_rejects_mutable_tags_and_unknown_settings() -> None:
    result = ContainerApplicationProvider().check(
        {},
        {
            "account_id": ACCOUNT,
            "name": "app",
            "namespace_id": "ns",
            "image": "registry.cloudflare.com/acct/bento:latest",
            "instance_type": "huge",
            "max_instances": 0,
            "rollout_step_percentage": 30,
            "rollout_kind": "sometimes",
        },
    )
    assert {f.property for f in result.failures} == {
        "image",
        "instance_type",
        "max_instances",
        "rollout_step_percentage",
        "rollout_kind",
    }
    assert any("digest" in f.reason for f in result.failures)


def test_check_fills_defaults_and_lets_unknown_values_through() -> None:
    result = ContainerApplicationProvider().check(
        {},
        {"account_id": ACCOUNT, "name": "app", "namespace_id": UNKNOWN, "image": UNKNOWN, "max_instances": 2},
    )
    assert result.failures == []
    assert result.inputs["instance_type"] == "lite"
    assert result.inputs["rollout_step_percentage"] == 100
    assert result.inputs["rollout_kind"] == "full_auto"


def test_unknown_namespace_of_the_same_script_is_an_update_not_a_replace(namespace_id: str) -> None:
    """A preview after any Worker change sees the namespace id unknown; the same script keeps it."""
    provider = ContainerApplicationProvider()
    olds = {**app_inputs(namespace_id), "script_name": "bento-dev"}
    same_script = provider.diff("app", olds, {**olds, "namespace_id": UNKNOWN})
    assert same_script.changes is True and not same_script.replaces
    other_script = provider.diff("app", olds, {**olds, "namespace_id": UNKNOWN, "script_name": "bento-prod"})
    assert set(other_script.replaces or []) == {"namespace_id", "script_name"}


def test_update_refuses_to_move_an_application_between_namespaces(namespace_id: str) -> None:
    provider = ContainerApplicationProvider()
    created = provider.create(app_inputs(namespace_id))
    olds = {**(created.outs or {}), "script_name": "bento-dev"}
    with pytest.raises(CloudflareDeployError, match="cannot move between namespaces"):
        provider.update(created.id, olds, {**olds, "namespace_id": "e" * 32})
