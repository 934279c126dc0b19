"""The Worker's own fields: name, account, module, compatibility — from the recorded upload."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bento_cf_component.build_paths import BUILD_ROOT
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.export import resource_types
from bento_cf_component.export.component_resources import ComponentResources
from bento_cf_component.export.known import known, known_str


def bundle_path(parts: ComponentResources, *, program_dir: Path, stack: str) -> Path:
    """Where the plan wrote the module it would upload, checked against the recorded upload."""
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    main_module = known_str(worker, "main_module")
    path = program_dir / BUILD_ROOT / stack / parts.name / "worker" / main_module
    recorded = known_str(worker, "module_content")
    if not path.is_file() or path.read_text(encoding="utf-8") != recorded:
        # The plan writes the file and records the same text; a mismatch means a stale folder.
        raise BentoCfConfigError(
            [f"{path}: not the Worker module this plan uploads; run `bento-cf plan --stack {stack}` again"]
        )
    return path


def worker_fields(parts: ComponentResources, *, main: Path, out_dir: Path) -> dict[str, Any]:
    worker = parts.one_of(resource_types.WORKER_SCRIPT)
    return {
        "name": known_str(worker, "script_name"),
        "account_id": known_str(worker, "account_id"),
        "main": relative_path(main, out_dir),
        # Upload the module byte for byte, as bento-cf does: it is bundled already.
        "no_bundle": True,
        "compatibility_date": known_str(worker, "compatibility_date"),
        "compatibility_flags": list(known(worker, "compatibility_flags", default=[])),
    }


def relative_path(target: Path, out_dir: Path) -> str:
    """``target`` as wrangler reads it: relative to the config file's folder, forward slashes."""
    return Path(os.path.relpath(target.resolve(), out_dir.resolve())).as_posix()
