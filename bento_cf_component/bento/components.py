"""Reading Bento component blocks: ``{label, processors, <type>: {...}}``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .context import CheckContext
from .source import KeyPath

# Keys beside the component type inside a component block.
_COMMON = frozenset({"label", "processors"})


@dataclass(frozen=True)
class Component:
    kind: str | None  # None: empty block (Bento applies the section's default type)
    conf: Any
    path: KeyPath  # path of the block itself


def component_of(ctx: CheckContext, block: Any, path: KeyPath, section: str) -> Component:
    if not isinstance(block, dict):
        return Component(None, None, path)
    kinds = [k for k in block if str(k) not in _COMMON]
    if len(kinds) > 1:
        ctx.problem(
            (*path, str(kinds[1])),
            f"more than one {section} type in one block ({', '.join(map(str, kinds))})",
            f"keep one, or combine several with a `broker` {section}",
            key=True,
        )
    if not kinds:
        return Component(None, None, path)
    return Component(str(kinds[0]), block[kinds[0]], (*path, str(kinds[0])))


def resource_block(ctx: CheckContext, section: str, label: object) -> tuple[Any, KeyPath] | None:
    """The ``<section>_resources`` entry with this label, and its path."""
    resources = ctx.source.get((f"{section}_resources",))
    if isinstance(resources, list):
        for i, item in enumerate(resources):
            if isinstance(item, dict) and item.get("label") == label:
                return item, (f"{section}_resources", i)
    return None
