"""`bento-cf plan --diff OLD.json`: two revisions of a stack compared offline, changes classified."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bento_cf_component.cli.main import main
from bento_cf_component.cli.plan_diff import (
    Action,
    Effect,
    PlanDocumentError,
    diff_plans,
    read_plan_document,
    render_diff_markdown,
)

REPO = Path(__file__).resolve().parents[2]
BENTO = (REPO / "examples" / "request-driven" / "bento.yaml").read_text()
DIGEST_A = "registry.cloudflare.com/0123456789abcdef0123456789abcdef/bento@sha256:" + "a" * 64
DIGEST_B = "registry.cloudflare.com/0123456789abcdef0123456789abcdef/bento@sha256:" + "b" * 64
PROGRAM = """\
import pulumi
from bento_cf_component import BentoCloudflare, args_from_stack_config

bento = BentoCloudflare("bento", args_from_stack_config())
pulumi.export("url", bento.url)
"""


def write_project(
    root: Path,
    *,
    bento: str = BENTO,
    max_instances: int = 2,
    instance_type: str = "lite",
    log_level: str = "INFO",
    worker_name: str | None = None,
    route: str | None = None,
    image_ref: str | None = None,
) -> Path:
    """A project folder whose one stack `dev` has the given settings."""
    (root / "stacks").mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: difftest\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(PROGRAM)
    (root / "bento.yaml").write_text(bento)
    lines = [
        "config:",
        "  bento-cf:account_id: 0123456789abcdef0123456789abcdef",
        "  bento-cf:bento:\n    config: bento.yaml",
        f"  bento-cf:container:\n    instance_type: {instance_type}\n    max_instances: {max_instances}",
        f"    env:\n      LOG_LEVEL: {log_level}",
        "  bento-cf:access_token:\n    secure: v1:placeholder-not-decrypted-offline",
    ]
    if worker_name:
        lines.append(f"  bento-cf:worker_name: {worker_name}")
    if route:
        lines.append(
            f"  bento-cf:routing:\n    routes:\n      - pattern: {route}\n"
            "        zone_id: 89abcdef0123456789abcdef01234567"
        )
    if image_ref:
        lines.append(f"  bento-cf:image:\n    ref: {image_ref}")
    (root / "stacks" / "Pulumi.dev.yaml").write_text("\n".join(lines) + "\n")
    return root


Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Runner:
    def run_cli(root: Path, *extra: str) -> tuple[int, str, str]:
        code = main(["plan", "--stack", "dev", "--cwd", str(root), *extra])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run_cli


def saved_plan(root: Path, run: Runner) -> Path:
    """`bento-cf plan --json > old.json`, as CI does on the base revision."""
    code, out, err = run(root, "--json")
    assert code == 0, err
    path = root.parent / f"{root.name}-old.json"
    path.write_text(out)
    return path


def diff_json(root: Path, old: Path, run: Runner) -> dict[str, Any]:
    code, out, err = run(root, "--diff", str(old), "--format", "json")
    assert code == 0, err  # a diff is a report: exit 0 whatever it finds
    result: dict[str, Any] = json.loads(out)
    return result


def change(document: dict[str, Any], resource: str) -> dict[str, Any]:
    (found,) = [c for c in document["changes"] if c["resource"] == resource]
    return found


@pytest.fixture
def base(tmp_path: Path, run: Runner) -> tuple[Path, Path]:
    """(project folder, its saved plan): the old revision every test changes."""
    root = write_project(tmp_path / "project")
    return root, saved_plan(root, run)


def test_identical_revisions_have_no_changes(base: tuple[Path, Path], run: Runner) -> None:
    root, old = base
    document = diff_json(root, old, run)
    assert document["changed"] is False
    assert document["changes"] == [] and document["outputs"] == []
    assert document["image_rebuild"] is False and document["container_rollout"] is False
    assert document["replaces"] == []
    # The token is secret on both sides: nobody can tell offline, so it is named, not judged.
    assert document["secrets_may_change"] == ["bento-worker.secret_bindings"]

    code, text, _ = run(root, "--diff", str(old))
    assert code == 0
    assert "No changes." in text and "may change: bento-worker.secret_bindings" in text


def test_a_bento_config_change_rebuilds_the_image_and_rolls_out(base: tuple[Path, Path], run: Runner) -> None:
    root, old = base
    write_project(root, bento=BENTO.replace("root.processed = true", "root.processed = false"))
    document = diff_json(root, old, run)
    assert document["image_rebuild"] is True
    assert document["container_rollout"] is True
    assert document["replaces"] == []

    image = change(document, "bento-image")
    assert image["action"] == "update" and image["effects"] == ["image-build"]
    assert [p["path"] for p in image["properties"]] == ["imageName"]  # the content-hash tag

    application = change(document, "bento-container")
    assert application["action"] == "update"
    assert application["effects"] == ["container-rollout"]
    (digest,) = application["properties"]
    assert digest == {
        "path": "image",
        "old": "(known after deploy)",
        "new": "(known after deploy)",
        "implied_by": "bento-image",
    }
    assert change(document, "bento-registry-credentials")["effects"] == ["registry-credentials"]
    # The Worker does not change: same bundle, same settings.
    assert not [c for c in document["changes"] if c["resource"] == "bento-worker"]


def test_max_instances_is_an_application_edit_without_rollout(base: tuple[Path, Path], run: Runner) -> None:
    root, old = base
    write_project(root, max_instances=5)
    document = diff_json(root, old, run)
    (only,) = document["changes"]
    assert only["resource"] == "bento-container" and only["action"] == "update"
    # ContainerApplicationProvider.converge() edits max_instances in place; no rollout is created.
    assert only["effects"] == ["application-edit"]
    assert document["container_rollout"] is False and document["image_rebuild"] is False
    assert only["properties"] == [{"path": "max_instances", "old": 2, "new": 5}]


def test_instance_type_rolls_the_containers_out(base: tuple[Path, Path], run: Runner) -> None:
    root, old = base
    write_project(root, instance_type="basic")
    document = diff_json(root, old, run)
    (only,) = document["changes"]
    assert only["effects"] == ["container-rollout"]
    assert "instance_type" in only["notes"][0]


def test_a_log_level_change_uploads_the_worker_only(base: tuple[Path, Path], run: Runner) -> None:
    root, old = base
    write_project(root, log_level="DEBUG")
    document = diff_json(root, old, run)
    (only,) = document["changes"]
    assert only["resource"] == "bento-worker" and only["action"] == "update"
    assert only["effects"] == ["script-upload"]
    assert document["container_rollout"] is False
    assert any("next starts" in note for note in only["notes"])


def test_a_worker_name_change_replaces(base: tuple[Path, Path], run: Runner) -> None:
    root, old = base
    write_project(root, worker_name="ingest-dev")
    document = diff_json(root, old, run)
    assert sorted(document["replaces"]) == ["bento-container", "bento-worker", "bento-workers-dev"]
    worker = change(document, "bento-worker")
    assert worker["action"] == "replace" and worker["replace_keys"] == ["script_name"]
    application = change(document, "bento-container")
    assert application["replace_keys"] == ["name", "namespace_id", "script_name"]
    namespace = next(p for p in application["properties"] if p["path"] == "namespace_id")
    assert namespace["implied_by"] == "bento-worker"
    # The image repository is named after the Worker: pushed again under the new name.
    assert change(document, "bento-image")["effects"] == ["image-build"]


def test_a_route_change_touches_only_the_route(tmp_path: Path, run: Runner) -> None:
    root = write_project(tmp_path / "project", route="api.example.com/post*")
    old = saved_plan(root, run)
    write_project(root, route="api.example.com/ingest/post*")
    document = diff_json(root, old, run)
    # Routes are named by their pattern: a new pattern is a new route, the old one goes.
    actions = {c["resource"]: c["action"] for c in document["changes"]}
    assert actions == {
        "bento-route-api-example-com-ingest-post": "create",
        "bento-route-api-example-com-post": "delete",
    }
    assert all(c["effects"] == ["routing"] for c in document["changes"])
    assert document["container_rollout"] is False and document["replaces"] == []


def test_a_new_prebuilt_digest_rolls_out_without_a_build(tmp_path: Path, run: Runner) -> None:
    root = write_project(tmp_path / "project", image_ref=DIGEST_A)
    old = saved_plan(root, run)
    write_project(root, image_ref=DIGEST_B)
    document = diff_json(root, old, run)
    (only,) = document["changes"]
    assert only["resource"] == "bento-container" and only["effects"] == ["container-rollout"]
    assert only["properties"] == [{"path": "image", "old": DIGEST_A, "new": DIGEST_B}]
    assert document["image_rebuild"] is False


def test_markdown_is_a_pull_request_comment(base: tuple[Path, Path], run: Runner) -> None:
    root, old = base
    write_project(root, max_instances=5, bento=BENTO.replace("processed", "seen"))
    code, markdown, err = run(root, "--diff", str(old), "--format", "markdown")
    assert code == 0, err
    lines = markdown.splitlines()
    assert lines[0] == "### bento-cf plan diff: stack `dev`"
    assert "**3 to update**" in lines
    assert "- **Image rebuilt:** `bento-image`" in lines
    assert "- **Containers roll out:** `bento-container`" in lines
    assert "- **Replaced:** no" in lines
    header = lines.index("| | resource | type | what happens |")
    assert lines[header + 1] == "|---|---|---|---|"
    rows = [line for line in lines[header + 2 :] if line.startswith("| `")]
    assert [row.split(" | ")[1] for row in rows] == [
        "`bento-container`",
        "`bento-image`",
        "`bento-registry-credentials`",
    ]
    assert all(row.count(" | ") == 3 and row.endswith(" |") for row in rows)
    # Property details fold away in a diff block; every fence is closed.
    assert "<details><summary>Changed properties</summary>" in lines
    assert "-   max_instances: 2" in lines and "+   max_instances: 5" in lines
    assert markdown.count("```") == 2 and "</details>" in lines
    assert "placeholder-not-decrypted-offline" not in markdown


def test_markdown_without_changes_says_so() -> None:
    document = {"project": "p", "stack": "dev", "resources": [], "outputs": {}}
    markdown = render_diff_markdown(diff_plans(document, document))
    assert markdown.splitlines()[:3] == ["### bento-cf plan diff: stack `dev`", "", "**No changes.**"]
    assert "<details>" not in markdown


def test_pipes_in_values_do_not_break_the_table() -> None:
    def plan(pattern: str) -> dict[str, Any]:
        resource = {
            "type": "cloudflare:index/workersRoute:WorkersRoute",
            "name": "r",
            "parent": "bento",
            "inputs": {"pattern": pattern, "zoneId": "z"},
        }
        return {"project": "p", "stack": "dev", "resources": [resource], "outputs": {}}

    diff = diff_plans(plan("a.example.com/x*"), plan("a.example.com/x|y*"))
    (only,) = diff.changes
    assert only.action is Action.UPDATE and only.effects == (Effect.ROUTING,)
    row = next(line for line in render_diff_markdown(diff).splitlines() if line.startswith("| `~`"))
    assert "x\\|y*" in row and row.count(" | ") == 3


def test_a_zone_change_replaces_the_route() -> None:
    def plan(zone: str) -> dict[str, Any]:
        resource = {
            "type": "cloudflare:index/workersRoute:WorkersRoute",
            "name": "r",
            "inputs": {"pattern": "a.example.com/*", "zoneId": zone},
        }
        return {"project": "p", "stack": "dev", "resources": [resource]}

    (only,) = diff_plans(plan("z1"), plan("z2")).changes
    assert only.action is Action.REPLACE and only.replace_keys == ("zoneId",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not JSON (line 1"),
        ('{"resources": {}}', "no 'resources' list"),
        ('{"resources": [{"name": "x"}]}', "resources[0] has no string 'type'"),
    ],
)
def test_bad_old_plans_are_one_line_errors(
    base: tuple[Path, Path], run: Runner, content: str | None, message: str
) -> None:
    root, _ = base
    bad = root / "bad.json"
    if content is not None:
        bad.write_text(content)
    code, out, err = run(root, "--diff", str(bad))
    assert code == 1
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"error: --diff {bad}: ") and message in line
    assert "bento-cf plan --stack <stack> --json" in line


def test_markdown_needs_a_diff(base: tuple[Path, Path], run: Runner) -> None:
    code, _, err = run(base[0], "--format", "markdown")
    assert code == 1
    assert "--format markdown renders a diff" in err


def test_read_plan_document_accepts_a_real_plan(base: tuple[Path, Path]) -> None:
    document = json.loads(base[1].read_text())
    assert read_plan_document(document) is document
    with pytest.raises(PlanDocumentError):
        read_plan_document([])
