"""The Worker (routing.js) and the Python settings checks (worker/paths.py) reserve the same paths."""

from __future__ import annotations

import re

from bento_cf_component.worker.bundle import WORKER_DIR
from bento_cf_component.worker.paths import MANAGEMENT_PREFIXES, WORKER_PATHS, is_management_path


def _js_management_prefixes() -> tuple[str, ...]:
    source = (WORKER_DIR / "src" / "routing.js").read_text()
    block = re.search(r"const MANAGEMENT_PREFIXES = Object\.freeze\(\[(.*?)\]\)", source, re.S)
    assert block, "routing.js no longer declares MANAGEMENT_PREFIXES as expected"
    return tuple(re.findall(r"'([^']+)'", block.group(1)))


def test_management_prefixes_match_the_worker() -> None:
    assert _js_management_prefixes() == MANAGEMENT_PREFIXES


def test_worker_paths_are_the_routes_the_worker_answers_itself() -> None:
    source = (WORKER_DIR / "src" / "routing.js").read_text()
    for path in WORKER_PATHS:
        assert f"path === '{path}'" in source


def test_prefix_matching() -> None:
    assert is_management_path("/metrics") and is_management_path("/debug/pprof/heap")
    assert not is_management_path("/metricsfoo") and not is_management_path("/post")
