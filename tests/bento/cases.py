"""Where the shared real-world inputs live: ``../shared/cases`` beside the clone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CASES = Path(__file__).resolve().parents[2].parent / "shared" / "cases"


def need(name: str) -> Path:
    path = CASES / name
    if not path.exists():
        reason = f"{path} is absent (the shared cases sit beside the clone in CI)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return path


def jsonl(name: str) -> list[dict[str, Any]]:
    with need(name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
