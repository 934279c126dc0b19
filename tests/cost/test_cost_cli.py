"""`bento-cf cost`: reads the stack through the offline plan and prices it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bento_cf_component.cli.main import main

REPO = Path(__file__).resolve().parents[2]
BENTO = (REPO / "examples" / "request-driven" / "bento.yaml").read_text()
PROGRAM = (
    "from bento_cf_component import BentoCloudflare, args_from_stack_config\n"
    'BentoCloudflare("bento", args_from_stack_config())\n'
)
SECONDS = Decimal("2629800")  # 730.5 h


def make_project(
    root: Path, container: str = "instance_type: basic\n    max_instances: 3", count: int = 2
) -> Path:
    (root / "stacks").mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: costtest\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(PROGRAM)
    (root / "bento.yaml").write_text(BENTO)
    (root / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n"
        "  bento-cf:account_id: 0123456789abcdef0123456789abcdef\n"
        "  bento-cf:bento:\n    config: bento.yaml\n"
        f"  bento-cf:container:\n    {container}\n"
        f"  bento-cf:instances:\n    count: {count}\n"
        "  bento-cf:access_token:\n    secure: v1:not-decrypted-offline\n"
    )
    return root


def cost(root: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["cost", "--stack", "dev", "--cwd", str(root), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("cost"))


def test_json_prices_the_stack_settings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cost(project, "--json", capsys=capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["deployments"] == [
        {"name": "bento-container", "instance_type": "basic", "instance_count": 2, "max_instances": 3}
    ]
    assert doc["prices"]["date"] == "2026-08"
    expected = doc["expected"]
    assert expected["running_instances"] == {"bento-container": 2}
    # Two basic instances all month, CPU at 100%: by hand from the published rates.
    memory = (2 * SECONDS - 25 * 3600) * Decimal("0.0000025")
    cpu = (2 * Decimal("0.25") * SECONDS - 375 * 60) * Decimal("0.00002")
    disk = (2 * 4 * SECONDS - 200 * 3600) * Decimal("0.00000007")
    assert expected["lines"]["memory"]["usd"] == pytest.approx(float(memory), abs=1e-6)
    assert expected["lines"]["cpu"]["usd"] == pytest.approx(float(cpu), abs=1e-6)
    assert expected["lines"]["disk"]["usd"] == pytest.approx(float(disk), abs=1e-6)
    assert expected["base_usd"] == 5
    assert expected["total_usd"] == pytest.approx(float(memory + cpu + disk + 5), abs=1e-6)
    assert doc["ceiling"]["running_instances"] == {"bento-container": 3}
    assert any("egress" in item for item in doc["not_included"])


def test_text_shows_each_part_and_assumptions(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cost(project, capsys=capsys)
    assert code == 0
    for fragment in (
        "basic (1/4 vCPU, 1 GiB memory, 4 GB disk)",
        "instances.count 2, max_instances 3",
        "memory ",
        "cpu ",
        "disk ",
        "Workers Paid plan       $5.00",
        "Ceiling (every deployment at max_instances): 3 x bento-container",
        "30.4375 days",
        "CPU is billed on active usage: 100%",
        "Not included:",
        "Durable Objects",
        "developers.cloudflare.com/containers/pricing",
    ):
        assert fragment in out, fragment


def test_active_hours_and_utilisation(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cost(
        project, "--active-hours-per-day", "8", "--cpu-utilisation", "0.25", "--json", capsys=capsys
    )
    assert code == 0, err
    doc = json.loads(out)
    seconds = Decimal(8) * Decimal("30.4375") * 3600
    cpu = max(2 * Decimal("0.25") * Decimal("0.25") * seconds - 22500, Decimal(0)) * Decimal("0.00002")
    assert doc["profile"]["hours_per_month"] == pytest.approx(243.5)
    assert doc["expected"]["lines"]["cpu"]["usd"] == pytest.approx(float(cpu), abs=1e-6)
    assert doc["profile"]["origin"] == "--active-hours-per-day 8, --cpu-utilisation 0.25"


def test_profile_file(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "week: {mon: 12, tue: 12, wed: 12, thu: 12, fri: 12, sat: 0, sun: 0}\n"
        "cpu_utilisation: 0.5\nrunning_instances: 1\n"
    )
    code, out, err = cost(project, "--profile", str(profile), "--json", capsys=capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["profile"]["active_hours_per_day"] == pytest.approx(60 / 7)
    assert doc["expected"]["running_instances"] == {"bento-container": 1}


@pytest.mark.parametrize(
    ("profile_text", "expected"),
    [
        ("active_hours: 8\n", "active_hours: unknown key; known keys: active_hours_per_day"),
        ("active_hours_per_day: 25\n", "active_hours_per_day: must be between 0 and 24 hours (got 25)"),
        ("cpu_utilisation: 0\n", "cpu_utilisation: must be a share of the vCPU"),
        ("cpu_utilisation: lots\n", "cpu_utilisation: must be a number (got 'lots')"),
        (
            "running_instances: 4\n",
            "running_instances: 4 instances awake exceeds container.max_instances (3)",
        ),
        ("week: {mon: 1}\n", "week: must map each of mon, tue"),
        ("active_hours_per_day: [\n", "not valid YAML at line 2"),
    ],
)
def test_bad_profile_one_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], profile_text: str, expected: str
) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(profile_text)
    code, out, err = cost(project, "--profile", str(profile), capsys=capsys)
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], err


def test_bad_arguments(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cost(project, "--active-hours-per-day", "-1", capsys=capsys)
    assert code == 1
    assert (
        err.strip()
        == "error: bento-cf cost: --active-hours-per-day: must be between 0 and 24 hours (got '-1')"
    )
    with pytest.raises(SystemExit) as usage:
        main(
            ["cost", "--stack", "dev", "--cwd", str(project), "--active-hours-per-day", "1", "--profile", "x"]
        )
    assert usage.value.code == 2


def test_bad_stack_fails_like_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, container="instance_type: huge\n    max_instances: 3")
    code, out, err = cost(root, capsys=capsys)
    assert code == 1 and out == ""
    assert err.strip() == (
        "error: bento-cf:container.instance_type: 'huge' is not one of "
        "'lite', 'basic', 'standard-1', 'standard-2', 'standard-3' or 'standard-4'"
    )
