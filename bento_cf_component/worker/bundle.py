"""Bundling the Worker: ``src/index.js`` and ``@cloudflare/containers`` into one ES module.

esbuild comes from this folder's ``node_modules``, installed from the committed lockfile with
``npm ci --prefix <this folder>``. Bundling never installs anything itself: a plan must not
reach the network behind the user's back, so a missing install is a one-line error naming the
command to run.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pulumi

WORKER_DIR = Path(__file__).resolve().parent
ENTRY_POINT = "src/index.js"
MAIN_MODULE = "index.js"

# Newest date that both miniflare 4.20260426.0 (tests) and wrangler 4.80.0 (its workerd is
# 1.20260401) accept. It enables ctx.exports (default since 2025-11-17), which
# @cloudflare/containers needs only for outbound interception.
COMPATIBILITY_DATE = "2026-04-01"
# @cloudflare/containers imports only "cloudflare:workers": no node_compat or other flag needed.
COMPATIBILITY_FLAGS: tuple[str, ...] = ()

_ESBUILD_ARGS = (
    ENTRY_POINT,
    "--bundle",
    "--format=esm",
    "--platform=neutral",
    "--main-fields=module,main",
    "--external:cloudflare:*",
    "--target=es2022",
    "--charset=utf8",
    "--legal-comments=none",
    "--log-level=warning",
)
_BUNDLE_TIMEOUT_S = 120


class WorkerBundleError(pulumi.RunError):
    """The Worker could not be bundled; the message is one line naming the fix."""


@dataclass(frozen=True)
class WorkerBundle:
    main_module: str
    """Module name the upload metadata calls ``main_module``."""
    content: str
    """The whole Worker as one ES module."""
    sha256: str
    """Hex digest of ``content`` (UTF-8)."""
    compatibility_date: str
    compatibility_flags: tuple[str, ...]


def install_command() -> str:
    """The command that installs the Worker's JS dependencies from the lockfile."""
    return f"npm ci --prefix {WORKER_DIR}"


def esbuild_path() -> Path:
    return WORKER_DIR / "node_modules" / ".bin" / "esbuild"


@functools.cache
def build_worker_bundle() -> WorkerBundle:
    """The Worker bundle; built once per process (bundling runs on every plan).

    ``build_worker_bundle.cache_clear()`` forces a rebuild.
    """
    esbuild = esbuild_path()
    if not esbuild.exists() or not (WORKER_DIR / "node_modules" / "@cloudflare" / "containers").is_dir():
        raise WorkerBundleError(f"the Worker's JS dependencies are not installed; run: {install_command()}")
    if shutil.which("node") is None:
        raise WorkerBundleError("Node.js >= 20 is needed to bundle the Worker; put node on PATH")
    try:
        # cwd = the worker folder, so the bundle's path comments are relative ("src/…").
        result = subprocess.run(
            [str(esbuild), *_ESBUILD_ARGS],
            cwd=WORKER_DIR,
            capture_output=True,
            check=False,
            timeout=_BUNDLE_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        message = f"esbuild could not run ({error}); reinstall with: {install_command()}"
        raise WorkerBundleError(message) from None
    if result.returncode != 0:
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())[:500]
        raise WorkerBundleError(f"esbuild failed to bundle {ENTRY_POINT}: {detail}")
    content = result.stdout.decode("utf-8")
    return WorkerBundle(
        main_module=MAIN_MODULE,
        content=content,
        sha256=hashlib.sha256(result.stdout).hexdigest(),
        compatibility_date=COMPATIBILITY_DATE,
        compatibility_flags=COMPATIBILITY_FLAGS,
    )


SETTINGS_FILE = "settings.json"


def write_worker_artifacts(directory: Path, bundle: WorkerBundle, settings_json: str) -> None:
    """Write the bundle (as ``<main_module>``) and its settings JSON into ``directory``.

    Byte-for-byte what is uploaded, at stable names, so that reviewing or diffing a plan's
    artifacts shows exactly what would change.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / bundle.main_module).write_text(bundle.content, encoding="utf-8", newline="")
    (directory / SETTINGS_FILE).write_text(settings_json, encoding="utf-8", newline="")
