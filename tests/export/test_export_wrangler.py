"""`bento-cf export wrangler`: the same deployment as a wrangler.jsonc, checked by wrangler itself."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from bento_cf_component.cli.commands.plan import plan_stack
from bento_cf_component.cli.main import main
from bento_cf_component.cli.plan_engine import PlannedResource

from .conftest import REPO, STACKS
from .wrangler_cli import DOCKER_STAND_IN, NO_DOCKER, docker_calls, dry_run, read_jsonc

PREBUILT = "registry.cloudflare.com/0123456789abcdef0123456789abcdef/bento@sha256:" + "c" * 64
PROGRAM = """\
import pulumi
from bento_cf_component import BentoCloudflare, args_from_stack_config

bento = BentoCloudflare("ingest", args_from_stack_config())
"""


def planned_inputs(stack: str) -> dict[str, dict[str, Any]]:
    """Resource name → recorded inputs, from planning the stack again."""
    planned = plan_stack(argparse.Namespace(stack=stack, cwd=str(REPO), config=None))
    resources: list[PlannedResource] = planned.recording.resources
    return {r.name: r.inputs for r in resources}


def prebuilt_project(root: Path) -> Path:
    """A project whose stack runs a prebuilt, digest-pinned image (no Dockerfile, no build)."""
    (root / "stacks").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: prebuilt\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(PROGRAM)
    (root / "bento.yaml").write_text((REPO / "examples" / "request-driven" / "bento.yaml").read_text())
    (root / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n"
        "  bento-cf:account_id: 0123456789abcdef0123456789abcdef\n"
        "  bento-cf:bento:\n    config: bento.yaml\n"
        f"  bento-cf:image:\n    ref: {PREBUILT}\n"
        "  bento-cf:container:\n    max_instances: 3\n"
        "  bento-cf:access:\n    public: true\n"
    )
    return root


@pytest.mark.parametrize("stack", STACKS)
def test_the_export_says_what_the_plan_declares(stack: str, exported: dict[str, Path]) -> None:
    path = exported[stack]
    config = read_jsonc(path)
    inputs = planned_inputs(stack)
    worker, application = inputs["bento-worker"], inputs["bento-container"]

    assert config["name"] == worker["script_name"] == f"bento-cf-{stack}"
    assert config["compatibility_date"] == worker["compatibility_date"]
    main_file = (path.parent / str(config["main"])).resolve()
    assert main_file == REPO / ".bento-cf" / stack / "bento" / "worker" / "index.js"
    assert main_file.read_text() == worker["module_content"]

    (container,) = config["containers"]  # type: ignore[misc]
    assert container["class_name"] == "BentoContainer"
    assert container["name"] == application["name"]
    assert container["instance_type"] == application["instance_type"]
    assert container["max_instances"] == application["max_instances"]
    dockerfile = (path.parent / container["image"]).resolve()
    assert dockerfile == REPO / inputs["bento-image"]["build"]["dockerfile"]
    assert dockerfile.is_file()

    assert config["durable_objects"] == {
        "bindings": [{"name": "BENTO_CONTAINER", "class_name": "BentoContainer"}]
    }
    assert config["migrations"] == [{"tag": "v1", "new_sqlite_classes": ["BentoContainer"]}]
    assert config["vars"] == {"BENTO_CF_SETTINGS": json.loads(worker["settings_json"])}
    required = config["secrets"]["required"]  # type: ignore[index]
    assert "BENTO_CF_ACCESS_TOKEN" in required
    text = path.read_text()
    assert f"npx wrangler secret put BENTO_CF_ACCESS_TOKEN --name bento-cf-{stack}" in text
    assert "placeholder" not in text  # never a secret value, not even the placeholder

    assert config["workers_dev"] == inputs["bento-workers-dev"]["enabled"]
    domains = [i for n, i in inputs.items() if n.startswith("bento-domain-")]
    routes = [i for n, i in inputs.items() if n.startswith("bento-route-")]
    expected = [
        {"pattern": d["hostname"], "custom_domain": True}
        | ({"zone_id": d["zoneId"]} if "zoneId" in d else {"zone_name": d["zoneName"]})
        for d in domains
    ] + [{"pattern": r["pattern"], "zone_id": r["zoneId"]} for r in routes]
    assert config.get("routes", []) == expected


def test_prod_export_has_its_domain_route_and_secret(exported: dict[str, Path]) -> None:
    config = read_jsonc(exported["prod"])
    assert config["routes"] == [
        {
            "pattern": "bento.example.com",
            "custom_domain": True,
            "zone_id": "89abcdef0123456789abcdef01234567",
        },
        {"pattern": "api.example.com/post*", "zone_id": "89abcdef0123456789abcdef01234567"},
    ]
    assert config["workers_dev"] is False
    assert config["secrets"] == {"required": ["BENTO_CF_ACCESS_TOKEN", "SINK_API_KEY"]}


@pytest.mark.parametrize("stack", STACKS)
def test_wrangler_accepts_every_exported_file(
    stack: str, exported: dict[str, Path], wrangler: Path, tmp_path: Path
) -> None:
    result = dry_run(exported[stack], tmp_path, docker=str(DOCKER_STAND_IN))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "--dry-run: exiting now." in output
    assert "env.BENTO_CONTAINER (BentoContainer)" in output and "Durable Object" in output
    assert f"bento-cf-{stack}-bentocontainer" in output
    assert (tmp_path / "out" / "index.js").is_file()

    # The Dockerfile path was taken as a Dockerfile: wrangler builds the context bento-cf rendered.
    calls, dockerfile = docker_calls(tmp_path)
    (build,) = [call for call in calls if call[0] == "build"]
    assert build[build.index("--platform") + 1] == "linux/amd64"
    assert build[build.index("-f") + 1] == "-"  # the Dockerfile comes on stdin …
    image_dir = REPO / ".bento-cf" / stack / "bento" / "image"
    assert dockerfile == (image_dir / "Dockerfile").read_text()  # … and is the rendered one
    assert Path(build[-1]).resolve() == image_dir  # the build context


def test_a_prebuilt_image_needs_no_docker(
    tmp_path: Path, wrangler: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = prebuilt_project(tmp_path / "project")
    assert main(["export", "wrangler", "--stack", "dev", "--cwd", str(root)]) == 0
    written = root / ".bento-cf" / "dev" / "ingest" / "wrangler.jsonc"
    assert f"wrote {written}" in capsys.readouterr().out
    config = read_jsonc(written)
    assert config["containers"][0]["image"] == PREBUILT  # type: ignore[index]
    assert "secrets" not in config  # public access: no token to set
    assert config["main"] == "worker/index.js"

    result = dry_run(written, tmp_path, docker=NO_DOCKER)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert PREBUILT in output and "Building image" not in output


def test_a_dockerfile_without_docker_stops_at_the_build(
    exported: dict[str, Path], wrangler: Path, tmp_path: Path
) -> None:
    """What wrangler does with a Dockerfile path and no Docker: validates, then cannot build."""
    result = dry_run(exported["dev"], tmp_path, docker=NO_DOCKER)
    assert result.returncode != 0
    assert "The Docker CLI could not be launched" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('"instance_type": "lite"', '"instance_type": "huge"'), 'Expected "containers.instance_type" field'),
        (('"image": "', '"image": "missing/'), "does not appear to be a valid path to a Dockerfile"),
    ],
    ids=["unknown-instance-type", "missing-dockerfile"],
)
def test_wrangler_refuses_a_broken_copy(
    edit: tuple[str, str], message: str, exported: dict[str, Path], wrangler: Path, tmp_path: Path
) -> None:
    text = exported["dev"].read_text()
    assert edit[0] in text
    broken = exported["dev"].with_name("broken.jsonc")
    broken.write_text(text.replace(edit[0], edit[1]))
    result = dry_run(broken, tmp_path, docker=str(DOCKER_STAND_IN))
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_export_to_stdout(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["export", "wrangler", "--stack", "dev", "--cwd", str(REPO), "--out", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("// Written by `bento-cf export wrangler --stack dev`")
    assert '"main": ".bento-cf/dev/bento/worker/index.js"' in out  # relative to where it is printed


def test_an_unknown_component_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["export", "wrangler", "--stack", "dev", "--cwd", str(REPO), "--component", "nope"])
    assert code == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line == "error: --component nope: no such component in stack dev; have: bento"
