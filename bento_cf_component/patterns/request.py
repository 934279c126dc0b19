"""The request-driven pattern: HTTP client → Worker → one of N Bento containers → response."""

from __future__ import annotations

from pathlib import Path

import pulumi

from bento_cf_component.patterns.bento_input import CheckedBento
from bento_cf_component.patterns.container_worker import (
    PatternOutputs,
    base_runtime_settings,
    declare_container_worker,
)
from bento_cf_component.settings.model import ComponentSettings


def declare_request_pattern(
    name: str,
    *,
    settings: ComponentSettings,
    bento: CheckedBento,
    build_dir: Path,
    parent: pulumi.Resource,
) -> PatternOutputs:
    core = declare_container_worker(
        name,
        settings=settings,
        bento=bento,
        runtime=base_runtime_settings(settings, bento),
        build_dir=build_dir,
        parent=parent,
    )
    return core.outputs
