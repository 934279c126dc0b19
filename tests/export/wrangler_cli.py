"""Run wrangler 4.80.0 (installed here from package-lock.json) to validate exported configs.

`wrangler deploy --dry-run --outdir DIR` checks the config against wrangler's own schema and
rules, bundles the Worker and resolves the container image, then stops before any API call: no
credentials are needed, and none are passed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRANGLER_VERSION = "4.80.0"
NO_DOCKER = "/nonexistent/docker"
"""Point wrangler's Docker at nothing: proves a config needs no Docker."""


def missing_tools() -> str | None:
    """Why wrangler cannot run here, or ``None``."""
    absent = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(absent)} not on PATH: cannot run wrangler" if absent else None


def wrangler_bin() -> Path:
    """The pinned wrangler, installed from the lockfile with `npm ci` when missing."""
    binary = HERE / "node_modules" / ".bin" / "wrangler"
    package = HERE / "node_modules" / "wrangler" / "package.json"
    installed = package.is_file() and json.loads(package.read_text())["version"] == WRANGLER_VERSION
    if not installed:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600)
    return binary


DOCKER_STAND_IN = HERE / "docker_standin.sh"
"""wrangler's dry run builds a Dockerfile image locally (it skips only the push) and there is no
Docker engine here, so the build is stood in for by a script that records what wrangler asked
for. Everything else — schema, paths, the Dockerfile's existence, bindings, migrations — is
still wrangler's own check."""


def docker_calls(workdir: Path) -> tuple[list[list[str]], str | None]:
    """(the stand-in's calls, each its argument list; the Dockerfile piped to `build`)."""
    log = workdir / "docker.log"
    calls = log.read_text().split("--- call\n")[1:] if log.is_file() else []
    piped = log.with_name("docker.log.dockerfile")
    return [call.splitlines() for call in calls], piped.read_text() if piped.is_file() else None


def dry_run(config: Path, workdir: Path, *, docker: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CLOUDFLARE_", "CF_"))  # no credentials, whatever the caller has
    }
    env.update(
        WRANGLER_SEND_METRICS="false",
        WRANGLER_DOCKER_BIN=docker,
        DOCKER_STANDIN_LOG=str(workdir / "docker.log"),
        WRANGLER_LOG_PATH=str(workdir / "logs"),
        XDG_CONFIG_HOME=str(workdir / "config-home"),
        NO_COLOR="1",
        FORCE_COLOR="0",
    )
    return subprocess.run(
        [str(wrangler_bin()), "deploy", "--dry-run", "--outdir", str(workdir / "out"), "-c", str(config)],
        cwd=config.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def read_jsonc(path: Path) -> dict[str, object]:
    """The exported files have whole-line `//` comments only."""
    lines = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("//")]
    document: dict[str, object] = json.loads("\n".join(lines))
    return document
