"""The bad-input corpus (tests/cases/bad/, docs/bad-inputs.md): one malformed input per file.

Each case must give exactly its expected one-line error, naming the key, with a non-zero exit
and no traceback, both through the CLI (in-process for every case, as a real subprocess for a
sample) and through the Python API (``BentoCloudflare`` under the mock engine raising
``BentoCfConfigError`` with the same line, with nothing registered).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from bento_cf_component import BentoCloudflare, args_from_stack_config
from bento_cf_component.cli.main import main
from bento_cf_component.cli.plan_engine import PlanRecording, record_declarations
from bento_cf_component.cli.project import find_project
from bento_cf_component.errors import BentoCfConfigError

CASES = Path(__file__).parent / "cases" / "bad"
GOOD_BENTO = (Path(__file__).parents[1] / "examples" / "request-driven" / "bento.yaml").read_text()
PROJECT = "badcase"
STACK = "bad"
BASE_STACK: dict[str, Any] = {
    "bento-cf:account_id": "0123456789abcdef0123456789abcdef",
    "bento-cf:bento": {"config": "bento.yaml"},
    "bento-cf:container": {"max_instances": 2},
    "bento-cf:access_token": {"secure": "v1:placeholder-never-decrypted"},
}
STACK_PROGRAM = (
    "from bento_cf_component import BentoCloudflare, args_from_stack_config\n"
    'BentoCloudflare("bento", args_from_stack_config())\n'
)
ARGS_PROGRAM = (
    "import json, pathlib\n"
    "from bento_cf_component import BentoCloudflare\n"
    'BentoCloudflare("bento", json.loads(pathlib.Path("args.json").read_text()))\n'
)
# A handful run as a real process, as users run it (each costs an interpreter start).
SUBPROCESS_SAMPLE = ("settings-unknown-top-level-key", "bento-yaml-syntax-error", "args-token-not-a-string")
_CASE_KEYS = {
    "description",
    "expected",
    "key",
    "stack",
    "stack_text",
    "args",
    "bento",
    "files",
    "exit",
    "xfail",
}


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    expected: str
    key: str
    stack: dict[str, Any] = field(default_factory=dict)
    stack_text: str | None = None
    args: dict[str, Any] | None = None
    bento: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    exit: int = 1
    xfail: str | None = None

    @property
    def cli_only(self) -> bool:
        """A broken stack *file* never reaches a Python program: only the CLI reads it."""
        return self.stack_text is not None


def load_case(path: Path) -> Case:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), path
    unknown = set(data) - _CASE_KEYS
    assert not unknown, f"{path.name}: unknown case keys {sorted(unknown)}"
    return Case(name=path.stem, **data)


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES.glob("*.yaml"))]


def params(cases: list[Case]) -> list[Any]:
    return list(_params(cases))


def _params(cases: list[Case]) -> Iterator[Any]:
    for case in cases:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        yield pytest.param(case, id=case.name, marks=marks)


def materialise(case: Case, root: Path) -> Path:
    """The case as a Pulumi project folder: program, stack file, Bento config."""
    (root / "stacks").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\nstackConfigDir: stacks\n")
    (root / "bento.yaml").write_text(GOOD_BENTO if case.bento is None else case.bento)
    for name, text in case.files.items():
        (root / name).write_text(text)
    stack_file = root / "stacks" / f"Pulumi.{STACK}.yaml"
    if case.args is not None:
        (root / "__main__.py").write_text(ARGS_PROGRAM)
        (root / "args.json").write_text(json.dumps(case.args))
        stack_file.write_text("config: {}\n")
        return root
    (root / "__main__.py").write_text(STACK_PROGRAM)
    if case.stack_text is not None:
        stack_file.write_text(case.stack_text)
        return root
    config = dict(BASE_STACK)
    for key, value in case.stack.items():
        if value is None:
            config.pop(key, None)  # `null` removes a base key
        else:
            config[key] = value
    stack_file.write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return root


def expected_line(case: Case, root: Path) -> str:
    """The expected line; ``{root}`` stands for the case's project folder (paths in messages)."""
    return case.expected.replace("{root}", str(root))


def run_api(case: Case, root: Path) -> tuple[BentoCfConfigError | None, PlanRecording]:
    """``BentoCloudflare`` as a Python program calls it, under the mock engine, from ``root``."""
    caught: list[BentoCfConfigError] = []

    def declare() -> None:
        try:
            args = case.args if case.args is not None else args_from_stack_config()
            BentoCloudflare("bento", args)  # type: ignore[arg-type]
        except BentoCfConfigError as exc:
            caught.append(exc)

    stack = find_project(root).load_stack(STACK)
    previous = Path.cwd()
    os.chdir(root)
    try:
        recording = record_declarations(
            declare, project=PROJECT, stack=STACK, config=stack.values, secret_keys=stack.secret_keys
        )
    finally:
        os.chdir(previous)
    return (caught[0] if caught else None), recording


CORPUS = all_cases()


def test_corpus_is_big_and_well_formed() -> None:
    assert len(CORPUS) >= 60
    names = [c.name for c in CORPUS]
    assert len(set(names)) == len(names)
    for case in CORPUS:
        assert case.description.strip(), case.name
        assert "\n" not in case.expected, case.name
        assert case.key in case.expected, f"{case.name}: the expected line must name {case.key}"
        assert not case.expected.startswith("error:"), case.name
    assert set(SUBPROCESS_SAMPLE) <= set(names)


@pytest.mark.parametrize("case", params(CORPUS))
def test_cli_in_process(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialise(case, tmp_path / "project")
    code = main(["plan", "--stack", STACK, "--cwd", str(root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err == f"error: {expected_line(case, root)}\n"
    assert code == case.exit
    assert out == ""
    assert not list(root.glob(".bento-cf/**/index.js")), "nothing is rendered for bad input"


@pytest.mark.parametrize("case", params([c for c in CORPUS if not c.cli_only]))
def test_python_api(case: Case, tmp_path: Path) -> None:
    root = materialise(case, tmp_path / "project")
    error, recording = run_api(case, root)
    assert error is not None, "bad input accepted by BentoCloudflare(...)"
    assert str(error) == case.expected
    assert error.problems == (case.expected,)
    assert recording.resources == [], "nothing may be registered before validation passes"
    assert recording.errors == []


def test_cli_subprocess_sample(tmp_path: Path) -> None:
    """A sample through the real command line, started together (an interpreter start each)."""
    env = {k: v for k, v in os.environ.items() if k != "BENTO_CF_DEBUG"}
    running = []
    for name in SUBPROCESS_SAMPLE:
        case = load_case(CASES / f"{name}.yaml")
        root = materialise(case, tmp_path / name)
        command = [sys.executable, "-m", "bento_cf_component.cli.main", "plan", "--stack", STACK]
        process = subprocess.Popen(
            [*command, "--cwd", str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        running.append((case, root, process))
    for case, root, process in running:
        out, err = process.communicate(timeout=120)
        assert "Traceback" not in err, case.name
        assert err == f"error: {expected_line(case, root)}\n", case.name
        assert process.returncode == case.exit, case.name
        assert out == "", case.name
