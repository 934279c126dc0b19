"""Shared fixtures: wrangler (or a printed skip), and every stack in stacks/ exported once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bento_cf_component.cli.main import main

from .wrangler_cli import missing_tools, wrangler_bin

REPO = Path(__file__).resolve().parents[2]
STACKS = sorted(
    p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (REPO / "stacks").glob("Pulumi.*.yaml")
)


@pytest.fixture(scope="session")
def wrangler() -> Path:
    reason = missing_tools()
    if reason:
        print(f"skipping wrangler validation: {reason}")
        pytest.skip(reason)
    return wrangler_bin()


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """stack → its exported wrangler.jsonc (written outside the repo: paths point back into it)."""
    files: dict[str, Path] = {}
    for stack in STACKS:
        out = tmp_path_factory.mktemp(f"export-{stack}") / "wrangler.jsonc"
        code = main(["export", "wrangler", "--stack", stack, "--cwd", str(REPO), "--out", str(out)])
        assert code == 0, stack
        files[stack] = out
    return files
