"""`bento-cf plan`: the offline plan on a real project folder, good input and bad."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bento_cf_component.cli.main import main

REPO = Path(__file__).resolve().parents[2]
ACCESS_TOKEN = "plan-test-token-5b0c3e"
GOOD_BENTO = (REPO / "examples" / "request-driven" / "bento.yaml").read_text()
PROGRAM = """\
import pulumi
from bento_cf_component import BentoCloudflare, args_from_stack_config

bento = BentoCloudflare("bento", args_from_stack_config())
pulumi.export("url", bento.url)
pulumi.export("image_ref", bento.image_ref)
"""


def make_project(root: Path, *, bento: str = GOOD_BENTO, extra_config: str = "") -> Path:
    (root / "stacks").mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: plantest\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(PROGRAM)
    (root / "bento.yaml").write_text(bento)
    (root / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n"
        "  bento-cf:account_id: 0123456789abcdef0123456789abcdef\n"
        "  bento-cf:bento:\n    config: bento.yaml\n"
        "  bento-cf:container:\n    max_instances: 2\n"
        "  bento-cf:access_token:\n    secure: v1:not-decrypted-offline\n" + extra_config
    )
    return root


def run(root: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["plan", "--stack", "dev", "--cwd", str(root), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plan_shows_the_parts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(make_project(tmp_path), capsys=capsys)
    assert code == 0, err
    for fragment in (
        "bento-cf:index:BentoCloudflare  bento",
        "docker:index/image:Image  bento-image",
        'build.platform: "linux/amd64"',
        "bentocf:WorkerScript  bento-worker",
        'container_class: "BentoContainer"',
        'durable_object_binding: "BENTO_CONTAINER"',
        'settings_json.inputPath: "/post"',
        "secret_bindings: [secret]",
        "bentocf:ContainerApplication  bento-container",
        "namespace_id: (known after deploy)",
        "WorkersScriptSubdomain  bento-workers-dev",
        "image_ref: (known after deploy)",
    ):
        assert fragment in out, fragment
    assert "not-decrypted-offline" not in out + err
    for artifact in ("image/Dockerfile", "image/bento.yaml", "worker/index.js", "worker/settings.json"):
        assert (tmp_path / ".bento-cf" / "dev" / "bento" / artifact).is_file(), artifact


def test_plan_json_is_machine_readable_and_stable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path)
    code, first, _ = run(root, "--json", capsys=capsys)
    assert code == 0
    document = json.loads(first)
    types = {r["type"] for r in document["resources"]}
    assert "pulumi-python:dynamic/bentocf:ContainerApplication" in types
    worker = next(r for r in document["resources"] if r["name"] == "bento-worker")
    assert worker["parent"] == "bento"
    assert worker["inputs"]["secret_bindings"] == "[secret]"
    _, second, _ = run(root, "--json", capsys=capsys)
    assert first == second  # nothing changed → byte-identical plan


def test_plan_with_other_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text(GOOD_BENTO.replace("/post", "/ingest"))
    code, out, _ = run(root, "--config", str(other), capsys=capsys)
    assert code == 0
    assert 'settings_json.inputPath: "/ingest"' in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("root.processed = true", "root.processed = ("), "bento.yaml:"),
        (("0.0.0.0:4195", "127.0.0.1:4195"), "http.address"),
        (("level: ${LOG_LEVEL:INFO}", "level: ${LOG_LEVEL}"), "LOG_LEVEL"),
    ],
)
def test_bad_bento_config_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], expected: str
) -> None:
    bento = GOOD_BENTO.replace(*change)
    assert bento != GOOD_BENTO
    code, out, err = run(make_project(tmp_path, bento=bento), capsys=capsys)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert not (tmp_path / ".bento-cf").exists() or not any((tmp_path / ".bento-cf").rglob("*.js"))


def test_bad_settings_reported_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(
        tmp_path, extra_config="  bento-cf:instances:\n    count: 0\n  bento-cf:pattrn: queue\n"
    )
    code, _, err = run(root, capsys=capsys)
    assert code == 1
    assert err.strip() == "error: bento-cf:pattrn: unknown setting; did you mean bento-cf:pattern?"
    (root / "stacks" / "Pulumi.dev.yaml").write_text(
        (root / "stacks" / "Pulumi.dev.yaml").read_text().replace("  bento-cf:pattrn: queue\n", "")
    )
    code, _, err = run(root, capsys=capsys)
    assert code == 1
    assert err.strip().startswith(
        "error: bento-cf:instances.count: input should be greater than or equal to 1"
    )


def test_unknown_stack_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--stack", "prod", "--cwd", str(make_project(tmp_path))])
    err = capsys.readouterr().err
    assert code == 2
    assert "no stack file" in err and "stacks here: dev" in err


def test_real_command_line_no_traceback_no_secret(tmp_path: Path) -> None:
    """The installed entry point, as a user runs it: exit codes, stderr, secrets."""
    root = make_project(
        tmp_path,
        extra_config=f"  bento-cf:container:\n    max_instances: 0\n    env:\n      T: {ACCESS_TOKEN}\n",
    )
    text = (
        (root / "stacks" / "Pulumi.dev.yaml")
        .read_text()
        .replace("  bento-cf:container:\n    max_instances: 2\n", "")
    )
    (root / "stacks" / "Pulumi.dev.yaml").write_text(text)
    bad = subprocess.run(
        [sys.executable, "-m", "bento_cf_component.cli.main", "plan", "--stack", "dev", "--cwd", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert bad.stderr.strip().startswith("error: bento-cf:container.max_instances:")


def test_config_override_reaches_programs_that_set_it_in_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    project = tmp_path / "request-driven"
    shutil.copytree(REPO / "examples" / "request-driven", project, ignore=shutil.ignore_patterns(".bento-cf"))
    other = tmp_path / "other.yaml"
    other.write_text(GOOD_BENTO.replace("/post", "/elsewhere"))
    code = main(["plan", "--stack", "dev", "--cwd", str(project), "--config", str(other)])
    out = capsys.readouterr().out
    assert code == 0
    assert 'settings_json.inputPath: "/elsewhere"' in out
    assert (
        project / ".bento-cf" / "dev" / "ingest" / "image" / "bento.yaml"
    ).read_text() == other.read_text()
    assert "BENTO_CF_BENTO_CONFIG" not in os.environ  # restored after the run
