"""Reading Pulumi.yaml and stack files offline; secure values never decrypted or shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bento_cf_component.cli.project import SECRET_PLACEHOLDER, ProjectError, find_project


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_stack_config_dir_and_secure_values(tmp_path: Path) -> None:
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\nstackConfigDir: stacks\n")
    write(
        tmp_path / "stacks" / "Pulumi.dev.yaml",
        "config:\n"
        "  bento-cf:container:\n    max_instances: 2\n    debug: true\n"
        "  bento-cf:access_token:\n    secure: v1:abc\n"
        "  bento-cf:secrets:\n    API_KEY:\n      secure: v1:def\n"
        "  plain: 3\n",
    )
    project = find_project(tmp_path / "stacks")
    assert project.name == "demo"
    stack = project.load_stack("dev")
    assert json.loads(stack.values["bento-cf:container"]) == {"max_instances": 2, "debug": True}
    assert stack.values["bento-cf:access_token"] == SECRET_PLACEHOLDER
    assert json.loads(stack.values["bento-cf:secrets"]) == {"API_KEY": SECRET_PLACEHOLDER}
    assert stack.values["demo:plain"] == "3"
    assert stack.secret_keys == {"bento-cf:access_token", "bento-cf:secrets"}
    assert "v1:abc" not in json.dumps(stack.values)


def test_missing_stack_lists_available(tmp_path: Path) -> None:
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\n")
    write(tmp_path / "Pulumi.prod.yaml", "config: {}\n")
    with pytest.raises(
        ProjectError, match=r"no stack file .*Pulumi\.dev\.yaml for stack 'dev'; stacks here: prod"
    ):
        find_project(tmp_path).load_stack("dev")


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\n")
    write(tmp_path / "Pulumi.dev.yaml", "config:\n  a: [1, 2\n  b: 3\n")
    with pytest.raises(ProjectError, match=r"Pulumi\.dev\.yaml:\d+: not valid YAML"):
        find_project(tmp_path).load_stack("dev")


def test_no_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"no Pulumi\.yaml"):
        find_project(tmp_path)
