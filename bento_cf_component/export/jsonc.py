"""Write a config as JSONC: JSON with ``//`` comments above the top-level keys they explain."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def render_jsonc(
    config: Mapping[str, Any], *, header: Sequence[str], comments: Mapping[str, Sequence[str]]
) -> str:
    lines = [f"// {line}".rstrip() for line in header]
    lines.append("{")
    items = list(config.items())
    for index, (key, value) in enumerate(items):
        lines += [f"  // {line}".rstrip() for line in comments.get(key, ())]
        body = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        comma = "," if index < len(items) - 1 else ""
        lines.append(f"  {json.dumps(key)}: {body}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
