"""No secret value ever leaves in clear: plan output, logs, errors, artifacts, inputs, outputs.

Every secret setting carries a recognisable value (they all contain ``LEAKCHECK``): the access
token and container secrets, given as Python args and as stack config (``secure:`` placeholders
replaced by real values, as the engine hands decrypted config to a program). Then every place a
value could surface is scanned for the marker.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from bento_cf_component import BentoCloudflare, args_from_stack_config
from bento_cf_component.cli import project as project_module
from bento_cf_component.cli.main import main
from bento_cf_component.cli.plan_engine import SECRET, PlanRecording, record_declarations
from bento_cf_component.cli.plan_render import render_json, render_text
from bento_cf_component.errors import BentoCfConfigError

MARK = "LEAKCHECK"
TOKEN = "LEAKCHECK-token-7f3a9c2e"
API_KEY = "LEAKCHECK-apikey-51be4d"
DB_PASS = "LEAKCHECK-dbpass-9d0e11"
CF_API_TOKEN = "LEAKCHECK-cfapi-0a1b2c"
MODULE = "export class BentoContainer {}\nexport default { fetch() { return new Response('') } }\n"
ACCOUNT = "0123456789abcdef0123456789abcdef"
BENTO = """\
http:
  address: 0.0.0.0:4195
input:
  http_server:
    path: /post
pipeline:
  processors:
    - mapping: |
        root = this
        root.key_set = "${API_KEY}" != ""
output:
  http_client:
    url: https://example.com/hook
    headers:
      Authorization: Bearer ${DB_PASS}
"""
STACK_FILE = f"""\
config:
  bento-cf:account_id: {ACCOUNT}
  bento-cf:bento:
    config: bento.yaml
  bento-cf:container:
    instance_type: basic
    max_instances: 2
  bento-cf:access_token:
    secure: v1:placeholder-token
  bento-cf:secrets:
    API_KEY:
      secure: v1:placeholder-api-key
    DB_PASS:
      secure: v1:placeholder-db-pass
"""
PROGRAM = """\
import pulumi
from bento_cf_component import BentoCloudflare, args_from_stack_config

bento = BentoCloudflare("bento", args_from_stack_config())
for name in ("url", "urls", "worker_name", "image_ref", "application_id", "namespace_id"):
    pulumi.export(name, getattr(bento, name))
"""


def leaks(value: Any) -> list[str]:
    """Every string inside ``value`` that holds the marker."""
    if isinstance(value, str):
        return [value] if MARK in value else []
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in leaks(k) + leaks(v)]
    if isinstance(value, (list, tuple)):
        return [hit for v in value for hit in leaks(v)]
    return leaks(repr(value)) if value is not None and not isinstance(value, (int, float, bool)) else []


def artifact_leaks(root: Path) -> list[str]:
    return [
        str(p)
        for p in (root / ".bento-cf").rglob("*")
        if p.is_file() and MARK in p.read_text(errors="replace")
    ]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: leaks\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "__main__.py").write_text(PROGRAM)
    (tmp_path / "bento.yaml").write_text(BENTO)
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(STACK_FILE)
    return tmp_path


DECRYPTED = {"bento-cf:access_token": TOKEN, "API_KEY": API_KEY, "DB_PASS": DB_PASS}
"""What the stack's ``secure:`` values decrypt to (tests may rotate them)."""


def decrypt(value: str, key: str) -> str:
    """A ``[secret]`` placeholder (or a map of them) replaced by a recognisable real value."""
    known = DECRYPTED
    if value == project_module.SECRET_PLACEHOLDER:
        return known.get(key, f"{MARK}-{key}-value")
    document = json.loads(value)
    assert isinstance(document, dict)
    return json.dumps({k: known.get(k, f"{MARK}-{k}-value") for k in document})


@pytest.fixture
def decrypted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stack file's ``secure:`` values arrive decrypted, as ``pulumi`` hands them to a program."""
    original = project_module.Project.load_stack

    def load_stack(self: project_module.Project, stack: str) -> project_module.StackConfig:
        config = original(self, stack)
        values = {k: decrypt(v, k) if k in config.secret_keys else v for k, v in config.values.items()}
        seen.extend(v for k, v in values.items() if k in config.secret_keys)
        return project_module.StackConfig(values, config.secret_keys)

    seen: list[str] = []
    monkeypatch.setattr(project_module.Project, "load_stack", load_stack)
    return seen


@pytest.fixture
def in_dir(project: Path) -> Iterator[Path]:
    previous = Path.cwd()
    os.chdir(project)
    try:
        yield project
    finally:
        os.chdir(previous)


def scan_recording(recording: PlanRecording) -> None:
    for resource in recording.resources:
        assert not leaks(resource.inputs), f"{resource.name}: secret in recorded inputs"
    assert not leaks(recording.outputs), "secret in stack outputs"
    assert not leaks(recording.warnings) and not leaks(recording.errors), "secret in engine logs"
    text = render_text(recording, project="leaks", stack="dev", artifacts=[])
    assert MARK not in text
    assert MARK not in render_json(recording, project="leaks", stack="dev", artifacts=[])


def secret_bindings_masked(recording: PlanRecording) -> bool:
    worker = next(r for r in recording.resources if r.name == "bento-worker")
    return worker.inputs["secret_bindings"] is SECRET


# ----------------------------------------------------------------------------- Python args
def test_python_args_never_leak(
    in_dir: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    def program() -> None:
        bento = BentoCloudflare(
            "bento",
            {
                "account_id": ACCOUNT,
                "bento": {"config": "bento.yaml"},
                "container": {
                    "instance_type": "basic",
                    "max_instances": 2,
                    # one plain string, one Output.secret: both must come out masked
                    "secrets": {"API_KEY": API_KEY, "DB_PASS": pulumi.Output.secret(DB_PASS)},
                },
                "access": {"token": TOKEN},  # a plain str from Python, too
            },
        )
        for name in ("url", "urls", "worker_name", "image_ref", "application_id", "namespace_id"):
            pulumi.export(name, getattr(bento, name))

    recording = record_declarations(program, project="leaks", stack="dev")
    assert len(recording.resources) >= 5 and secret_bindings_masked(recording)
    scan_recording(recording)
    assert not artifact_leaks(in_dir)
    assert any(in_dir.joinpath(".bento-cf").rglob("settings.json"))
    captured = capsys.readouterr()
    assert MARK not in captured.out + captured.err
    assert not leaks([r.getMessage() for r in caplog.records])


# ----------------------------------------------------------------------------- stack config
def test_stack_config_secrets_never_leak_through_the_engine(project: Path, in_dir: Path) -> None:
    stack = project_module.find_project(project).load_stack("dev")
    config = {k: decrypt(v, k) if k in stack.secret_keys else v for k, v in stack.values.items()}
    assert TOKEN in config.values() and API_KEY in config["bento-cf:secrets"]

    def program() -> None:
        BentoCloudflare("bento", args_from_stack_config())

    recording = record_declarations(
        program, project="leaks", stack="dev", config=config, secret_keys=stack.secret_keys
    )
    assert secret_bindings_masked(recording)
    scan_recording(recording)
    assert not artifact_leaks(project)


@pytest.mark.parametrize("command", [["plan"], ["plan", "--json"], ["cost"], ["cost", "--json"]])
@pytest.mark.usefixtures("decrypted")
def test_cli_output_never_leaks(
    project: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*command, "--stack", "dev", "--cwd", str(project)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "[secret]" in captured.out or command[0] == "cost"
    assert MARK not in captured.out + captured.err
    assert not artifact_leaks(project)


def test_plan_diff_and_export_never_leak(
    project: Path,
    decrypted: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A reviewer's view: a diff after rotating every secret, and the exported wrangler config."""
    assert main(["plan", "--stack", "dev", "--cwd", str(project), "--json"]) == 0
    old = project / "old-plan.json"
    old.write_text(capsys.readouterr().out)
    monkeypatch.setitem(DECRYPTED, "bento-cf:access_token", f"{MARK}-rotated-token")
    monkeypatch.setitem(DECRYPTED, "API_KEY", f"{MARK}-rotated-api-key")
    stack_file = project / "stacks" / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("max_instances: 2", "max_instances: 3"))
    for fmt in ("text", "json", "markdown"):
        code = main(["plan", "--stack", "dev", "--cwd", str(project), "--diff", str(old), "--format", fmt])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        assert "max_instances" in captured.out  # the diff did see the change
        assert MARK not in captured.out + captured.err, fmt
    assert any("rotated" in v for v in decrypted)
    code = main(["export", "wrangler", "--stack", "dev", "--cwd", str(project), "--out", "-"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "API_KEY" in captured.out and MARK not in captured.out + captured.err
    assert not artifact_leaks(project)


# ----------------------------------------------------------------------------- errors
def _python_args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "account_id": ACCOUNT,
        "bento": {"config": "bento.yaml"},
        "container": {"max_instances": 2, "secrets": {"API_KEY": API_KEY, "DB_PASS": DB_PASS}},
        "access": {"token": TOKEN},
    }
    args.update(changes)
    return args


SECRETS = {"API_KEY": API_KEY, "DB_PASS": DB_PASS}
PYTHON_ERRORS = {
    "max-instances-zero": _python_args(container={"max_instances": 0, "secrets": SECRETS}),
    "count-over-max": _python_args(instances={"count": 3}),
    "pattern-unknown": _python_args(pattern="batch"),
    "reserved-secret-name": _python_args(
        container={"max_instances": 2, "secrets": {"BENTO_CF_SETTINGS": API_KEY}}
    ),
    "bad-secret-name": _python_args(
        container={"max_instances": 2, "secrets": {**SECRETS, "api-key": API_KEY}}
    ),
    "secret-env-clash": _python_args(
        container={"max_instances": 2, "secrets": SECRETS, "env": {"API_KEY": "x"}}
    ),
    "secret-not-a-string": _python_args(container={"max_instances": 2, "secrets": {**SECRETS, "N": 5}}),
    "secrets-as-list": _python_args(container={"max_instances": 2, "secrets": [API_KEY, DB_PASS]}),
    "secret-key-typo": _python_args(container={"max_instances": 2, "secret": SECRETS}),
    "public-and-token": _python_args(access={"public": True, "token": TOKEN}),
    "token-key-typo": _python_args(access={"tokn": TOKEN}),
    "token-as-access": _python_args(access=TOKEN),
    "token-as-number-with-secret-public": _python_args(access={"token": TOKEN, "public": "maybe"}),
    "undeclared-var-in-bento": _python_args(container={"max_instances": 2, "secrets": {"API_KEY": API_KEY}}),
    "bento-inline-broken": _python_args(bento={"inline": {"input": {"http_server": {"path": "/ready"}}}}),
}
KNOWN_LEAKS: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[n])] if n in KNOWN_LEAKS else []
        )
        for n in PYTHON_ERRORS
    ],
)
def test_errors_never_show_secret_values(name: str, in_dir: Path) -> None:
    caught: list[BentoCfConfigError] = []

    def program() -> None:
        try:
            BentoCloudflare("bento", PYTHON_ERRORS[name])  # type: ignore[arg-type]
        except BentoCfConfigError as exc:
            caught.append(exc)

    recording = record_declarations(program, project="leaks", stack="dev")
    assert caught, "the bad input must be refused"
    assert recording.resources == []
    assert MARK not in str(caught[0]), str(caught[0])


STACK_ERRORS = {
    "max-instances-zero": ("    max_instances: 2\n", "    max_instances: 0\n"),
    "unknown-key": ("  bento-cf:secrets:\n", "  bento-cf:secret:\n"),
    "reserved-secret": ("    DB_PASS:\n", "    BENTO_CF_ACCESS_TOKEN:\n"),
    "bad-secret-name": ("    DB_PASS:\n", "    db-pass:\n"),
    "path-ready": None,
}


@pytest.mark.parametrize("name", list(STACK_ERRORS))
@pytest.mark.usefixtures("decrypted")
def test_cli_errors_never_show_secret_values(
    name: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = STACK_ERRORS[name]
    if change is None:
        (project / "bento.yaml").write_text(BENTO.replace("path: /post", "path: /ready"))
    else:
        assert change[0] in STACK_FILE
        (project / "stacks" / "Pulumi.dev.yaml").write_text(STACK_FILE.replace(*change))
    code = main(["plan", "--stack", "dev", "--cwd", str(project)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("error: ")
    assert MARK not in captured.out + captured.err


# ----------------------------------------------------------------------------- Cloudflare providers
sys.path.insert(0, str(Path(__file__).parent / "cloudflare"))


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The Cloudflare API emulator of tests/cloudflare/, the SDK pointed at it, no slow retries."""
    from emulator import CloudflareEmulator

    from bento_cf_component.cloudflare import client, container_application, migrations

    emu = CloudflareEmulator(token=CF_API_TOKEN)
    emu.start()
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", CF_API_TOKEN)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", emu.base_url)
    for var in ("CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_USER_SERVICE_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(client, "MAX_RETRIES", 0)
    monkeypatch.setattr(migrations, "NAMESPACE_POLL_DELAY_SECONDS", 0.01)
    monkeypatch.setattr(container_application, "ADOPT_POLL_DELAY_SECONDS", 0.01)
    try:
        yield emu
    finally:
        emu.stop()


def worker_props() -> dict[str, Any]:
    from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

    news = {
        "account_id": ACCOUNT,
        "script_name": "leaks-dev",
        "main_module": "index.js",
        "module_content": MODULE,
        "compatibility_date": "2026-04-01",
        "compatibility_flags": [],
        "settings_json": '{"pattern": "request", "port": 4195}',
        "secret_bindings": {"BENTO_CF_ACCESS_TOKEN": TOKEN, "API_KEY": API_KEY, "DB_PASS": DB_PASS},
        "owns_all_secrets": False,
    }
    result = WorkerScriptProvider().check({}, news)
    assert not result.failures
    return dict(result.inputs)


def error_text(exc: BaseException) -> str:
    """Everything a user could see of the error: message, repr, the traceback the host prints."""
    import traceback

    return "\n".join([str(exc), repr(exc), *traceback.format_exception(exc)])


# Cloudflare echoing what it was sent is the worst case for masking.
ECHO = f"binding BENTO_CF_ACCESS_TOKEN={TOKEN} API_KEY={API_KEY} DB_PASS={DB_PASS} rejected"


@pytest.mark.parametrize(("status", "code"), [(400, 10021), (403, 10000), (429, 971), (500, 10013)])
def test_worker_upload_errors_mask_secrets(
    emulator: Any, status: int, code: int, caplog: pytest.LogCaptureFixture
) -> None:
    from bento_cf_component.cloudflare.errors import CloudflareDeployError
    from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

    caplog.set_level(logging.INFO)
    emulator.fail("PUT", r"/workers/scripts/[^/]+$", status=status, code=code, message=ECHO, times=5)
    with pytest.raises(CloudflareDeployError) as failure:
        WorkerScriptProvider().create(worker_props())
    text = error_text(failure.value)
    assert "uploading Worker script 'leaks-dev' failed" in text
    assert "[secret]" in text  # Cloudflare's words are kept, the values masked
    assert MARK not in text, text
    assert not leaks([r.getMessage() for r in caplog.records])


def test_rejected_api_token_is_never_echoed(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from bento_cf_component.cloudflare.container_application import ContainerApplicationProvider
    from bento_cf_component.cloudflare.errors import CloudflareDeployError
    from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", f"{MARK}-revoked-token")
    with pytest.raises(CloudflareDeployError) as upload:
        WorkerScriptProvider().create(worker_props())
    application = ContainerApplicationProvider().check(
        {},
        {
            "account_id": ACCOUNT,
            "name": "leaks-dev-bentocontainer",
            "namespace_id": "0" * 32,
            "image": f"registry.cloudflare.com/{ACCOUNT}/leaks-dev@sha256:" + "a" * 64,
            "instance_type": "basic",
            "max_instances": 2,
            "observability_logs": True,
        },
    )
    with pytest.raises(CloudflareDeployError) as create:
        ContainerApplicationProvider().create(dict(application.inputs))
    for failure in (upload, create):
        text = error_text(failure.value)
        assert "401" in text and "CLOUDFLARE_API_TOKEN" in text
        assert MARK not in text, text


def test_successful_upload_keeps_secrets_out_of_errors_and_logs(
    emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

    caplog.set_level(logging.INFO)
    created = WorkerScriptProvider().create(worker_props())
    bindings = emulator.uploads()[-1]["bindings"]
    assert {"type": "secret_text", "name": "API_KEY", "text": API_KEY} in bindings  # the value did go out
    assert created.outs is not None and created.outs["secret_bindings"]["API_KEY"] == API_KEY
    assert not leaks([r.getMessage() for r in caplog.records])


def test_sdk_debug_logs_carry_no_secrets(emulator: Any, caplog: pytest.LogCaptureFixture) -> None:
    from bento_cf_component.cloudflare.worker_script import WorkerScriptProvider

    caplog.set_level(logging.DEBUG)
    WorkerScriptProvider().create(worker_props())
    assert not leaks([r.getMessage() for r in caplog.records])
