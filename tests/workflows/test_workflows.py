"""The GitHub Actions workflows: schema-valid (check-jsonschema's vendored workflow schema,
offline) and a few invariants — no secrets where forks run, deploys behind environments,
installs as the README says, the policy pack on every real preview and update.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    raw: dict[Any, Any] = data
    if True in raw:  # YAML 1.1 reads the key `on` as a boolean
        raw["on"] = raw.pop(True)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job.get("steps", [])
    return found


def linter() -> list[str]:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
        "check-jsonschema"
    )
    if exe is None:
        pytest.skip("check-jsonschema is not installed (dev dependency): cannot lint the workflows")
    return [exe, "--builtin-schema", "vendor.github-workflows"]


def test_workflow_files_exist() -> None:
    assert {f.name for f in FILES} == {"pull-request.yml", "deploy.yml", "pulumi-up.yml"}


def test_workflows_pass_the_schema() -> None:
    result = subprocess.run([*linter(), *map(str, FILES)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    result = subprocess.run([*linter(), str(broken)], capture_output=True, text=True, check=False)
    assert result.returncode != 0


def test_pull_requests_use_pull_request_not_target() -> None:
    assert set(load("pull-request.yml")["on"]) == {"pull_request"}


def test_fork_visible_jobs_use_no_secrets() -> None:
    jobs = load("pull-request.yml")["jobs"]
    for name, job in jobs.items():
        text = yaml.safe_dump(job)
        if "secrets." in text:
            assert job.get("if") == FORK_GUARD, f"job {name} reads secrets without the fork guard"
    assert {"test", "plan"} <= set(jobs)
    for name in ("test", "plan", "stacks"):
        assert "secrets." not in yaml.safe_dump(jobs[name]), name
        assert "if" not in jobs[name], f"{name} must run on forks too"


def test_plan_job_plans_every_stack_offline() -> None:
    plan = load("pull-request.yml")["jobs"]["plan"]
    scripts = "\n".join(step.get("run", "") for step in steps(plan))
    assert "for file in stacks/Pulumi.*.yaml" in scripts
    assert 'bento-cf plan --stack "$stack" --json' in scripts
    # The diff is used only when this bento-cf has it.
    assert "grep -q -- '--diff'" in scripts
    assert '--diff "base-plans/$stack.json" --format markdown' in scripts


def test_preview_comments_with_policy_pack() -> None:
    preview = load("pull-request.yml")["jobs"]["preview"]
    assert preview["if"] == FORK_GUARD
    assert preview["permissions"]["pull-requests"] == "write"
    [action] = [s for s in steps(preview) if s.get("uses", "").startswith("pulumi/actions@")]
    assert action["uses"] == "pulumi/actions@v7"
    assert action["with"]["command"] == "preview"
    assert action["with"]["diff"] is True
    assert action["with"]["comment-on-pr"] is True
    assert action["with"]["policyPacks"] == "policy"
    # Every step after the credentials check is skipped cleanly when secrets are absent.
    assert steps(preview)[0]["id"] == "creds"
    assert all(s.get("if") == "steps.creds.outputs.ok == 'true'" for s in steps(preview)[1:])


def test_deploy_runs_on_main_dev_staging_prod_in_order() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    assert [job["with"]["stack"] for job in jobs.values()] == ["dev", "staging", "prod"]
    assert all(job["uses"] == "./.github/workflows/pulumi-up.yml" for job in jobs.values())
    assert jobs["staging"]["needs"] == "dev" and jobs["prod"]["needs"] == "staging"
    assert deploy["concurrency"]["cancel-in-progress"] is False


def test_up_job_uses_environments_and_the_policy_pack() -> None:
    reusable = load("pulumi-up.yml")
    assert "workflow_call" in reusable["on"]
    [job] = reusable["jobs"].values()
    assert job["environment"] == "${{ inputs.stack }}"
    [action] = [s for s in steps(job) if s.get("uses", "").startswith("pulumi/actions@")]
    assert action["uses"] == "pulumi/actions@v7"
    assert action["with"]["command"] == "up"
    assert action["with"]["policyPacks"] == "policy"


def test_every_stack_has_a_deploy_environment() -> None:
    files = (ROOT / "stacks").glob("Pulumi.*.yaml")
    stacks = {p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in files}
    assert stacks and stacks <= {"dev", "staging", "prod"}


@pytest.mark.parametrize("name", ["pull-request.yml", "pulumi-up.yml"])
def test_installs_match_the_readme(name: str) -> None:
    # The README's commands (make plan / make test) install through the Makefile's install target.
    makefile = (ROOT / "Makefile").read_text()
    assert "\ninstall:" in makefile and "plan: install" in makefile
    assert "make test" in (ROOT / "README.md").read_text()
    for job_name, job in load(name)["jobs"].items():
        runs = [s.get("run", "") for s in steps(job)]
        if any("bento-cf" in r or "make test" in r for r in runs) or any(
            s.get("uses", "").startswith("pulumi/actions@") for s in steps(job)
        ):
            assert any(r.strip() == "make install" for r in runs), job_name
        assert not any("pip install" in r for r in runs), job_name
