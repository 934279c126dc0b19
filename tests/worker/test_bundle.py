"""build_worker_bundle(): one deterministic ES module with nothing of this machine in it."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from bento_cf_component.worker.bundle import (
    COMPATIBILITY_DATE,
    SETTINGS_FILE,
    WORKER_DIR,
    WorkerBundle,
    build_worker_bundle,
    write_worker_artifacts,
)

from .workerd import missing_js_dependencies


@pytest.fixture(scope="module")
def bundles() -> tuple[WorkerBundle, WorkerBundle]:
    reason = missing_js_dependencies()
    if reason is not None:
        pytest.skip(f"bundling needs the Worker's JS dependencies: {reason}")
    build_worker_bundle.cache_clear()
    first = build_worker_bundle()
    build_worker_bundle.cache_clear()
    second = build_worker_bundle()
    return first, second


def test_two_builds_are_byte_identical(bundles: tuple[WorkerBundle, WorkerBundle]) -> None:
    first, second = bundles
    assert first is not second
    assert first.content.encode() == second.content.encode()
    assert first.sha256 == second.sha256 == hashlib.sha256(first.content.encode()).hexdigest()


def test_bundle_is_cached_per_process(bundles: tuple[WorkerBundle, WorkerBundle]) -> None:
    assert build_worker_bundle() is build_worker_bundle()


def test_bundle_has_no_local_absolute_paths(bundles: tuple[WorkerBundle, WorkerBundle]) -> None:
    content = bundles[0].content
    for local in {str(WORKER_DIR), str(WORKER_DIR.parents[1]), str(Path.home()), os.getcwd(), "/tmp/"}:
        assert local not in content
    # esbuild's module comments are relative to the Worker folder.
    comments = re.findall(r"^// (\S+\.js)$", content, flags=re.M)
    assert "src/index.js" in comments
    assert all(not c.startswith("/") for c in comments)


def test_bundle_is_one_es_module_exporting_the_handler_and_class(
    bundles: tuple[WorkerBundle, WorkerBundle],
) -> None:
    bundle = bundles[0]
    assert bundle.main_module == "index.js"
    assert bundle.compatibility_date == COMPATIBILITY_DATE
    assert re.search(r"export\s*\{[^}]*\bBentoContainer\b[^}]*\bas default\b", bundle.content, re.S)
    # The library is bundled in; only the runtime's own module stays external.
    assert re.findall(r'^import .* from "([^"]+)";$', bundle.content, flags=re.M) == ["cloudflare:workers"]
    assert re.search(r"\bContainer = class extends DurableObject\b", bundle.content)


def test_artifacts_are_written_at_stable_names(
    tmp_path: Path, bundles: tuple[WorkerBundle, WorkerBundle]
) -> None:
    bundle = bundles[0]
    write_worker_artifacts(tmp_path, bundle, '{"pattern":"request"}')
    assert (tmp_path / "index.js").read_bytes() == bundle.content.encode()
    assert (tmp_path / SETTINGS_FILE).read_text() == '{"pattern":"request"}'
