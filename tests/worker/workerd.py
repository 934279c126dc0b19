"""Starting the Worker bundle in workerd (miniflare) for a test, and stopping it."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bento_cf_component.worker.bundle import WORKER_DIR, WorkerBundle, install_command
from bento_cf_component.worker.runtime_settings import RuntimeSettings

HARNESS = Path(__file__).parent / "harness" / "harness.mjs"
STARTUP_TIMEOUT_S = 60


def missing_js_dependencies() -> str | None:
    """Why the workerd tests cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "node is not on PATH (Node 20+ runs the Worker tests)"
    for package in ("miniflare", "esbuild", "@cloudflare/containers"):
        if not (WORKER_DIR / "node_modules" / package / "package.json").exists():
            return f"{package} is not installed; run: {install_command()}"
    return None


@dataclass
class RunningWorker:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                assert self.process.stdin is not None
                self.process.stdin.close()  # the harness disposes miniflare and exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_worker(
    bundle: WorkerBundle,
    settings: RuntimeSettings | Mapping[str, object],
    *,
    standin_url: str,
    text_bindings: Mapping[str, str],
    workdir: Path,
    persist_dir: Path | None = None,
    harness: Path = HARNESS,
    extra_config: Mapping[str, object] | None = None,
) -> RunningWorker:
    """Start the harness and wait for its URL (http://127.0.0.1:<port>/).

    ``persist_dir``: keep Durable Object storage there, so a second harness finds it again.
    ``harness`` / ``extra_config``: another harness script (the queue one) and its own settings.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    bundle_path = workdir / bundle.main_module
    bundle_path.write_text(bundle.content, encoding="utf-8")
    config_path = workdir / "harness-config.json"
    ready_path = workdir / "ready.json"
    config_path.write_text(
        json.dumps(
            {
                "workerDir": str(WORKER_DIR),
                "bundlePath": str(bundle_path),
                "compatibilityDate": bundle.compatibility_date,
                "compatibilityFlags": list(bundle.compatibility_flags),
                # A raw mapping lets tests hand the Worker settings RuntimeSettings would refuse.
                "settings": settings.to_dict() if isinstance(settings, RuntimeSettings) else dict(settings),
                "textBindings": dict(text_bindings),
                "standinUrl": standin_url,
                "readyPath": str(ready_path),
                "persistDir": str(persist_dir) if persist_dir is not None else None,
                **(extra_config or {}),
            }
        ),
        encoding="utf-8",
    )
    log_path = workdir / "harness.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            ["node", str(harness), str(config_path)],
            stdin=subprocess.PIPE,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )
    url = _wait_for_url(process, ready_path, log_path)
    return RunningWorker(url=url.rstrip("/"), process=process, log_path=log_path)


def _wait_for_url(process: subprocess.Popen[bytes], ready_path: Path, log_path: Path) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not ready_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = log_path.read_text(errors="replace")
            raise RuntimeError(f"the workerd harness did not start; its log:\n{log}")
        time.sleep(0.05)
    url: str = json.loads(ready_path.read_text())["url"]
    return url


@contextlib.contextmanager
def running_worker(
    bundle: WorkerBundle,
    settings: RuntimeSettings | Mapping[str, object],
    *,
    standin_url: str,
    text_bindings: Mapping[str, str],
) -> Iterator[RunningWorker]:
    with tempfile.TemporaryDirectory(prefix="bento-cf-workerd-") as tmp:
        worker = start_worker(
            bundle, settings, standin_url=standin_url, text_bindings=text_bindings, workdir=Path(tmp)
        )
        try:
            yield worker
        finally:
            worker.stop()


def wait_until(predicate: object, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(0.02)
    return False
