"""Loading a Bento config: env substitution, YAML with positions, key paths.

Positions are kept for every mapping key and value so each finding can name its line and
column in the user's file (after mapping back through the ``${VAR}`` substitution).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .interpolation import LineIndex, Substituted, substitute

KeyPath = tuple[str | int, ...]


class _BentoLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans only.

    Bento reads configs with go-yaml v3, for which ``yes``/``no``/``on``/``off`` are strings;
    PyYAML (YAML 1.1) would turn them into booleans.
    """


_BentoLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_BentoLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True)
class NodeSpan:
    """Where one value (and the key naming it) sits in the substituted text."""

    start: int
    end: int
    key_start: int | None
    style: str | None  # YAML scalar style: None plain, "'", '"', "|", ">"
    node: Node


@dataclass(frozen=True)
class YamlFailure:
    message: str
    index: int | None


@dataclass(frozen=True)
class DuplicateKey:
    path: KeyPath
    index: int
    first_line: int


class LoadedSource:
    """A config as Bento would read it, with positions."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.subst: Substituted = substitute(raw)
        self._raw_lines = LineIndex(raw)
        self.data: Any = None
        self.spans: dict[KeyPath, NodeSpan] = {}
        self.duplicates: list[DuplicateKey] = []
        self.failure: YamlFailure | None = None
        self._load()

    # -- positions -----------------------------------------------------------------------
    def point(self, subst_index: int) -> tuple[int, int]:
        """Substituted-text offset → 1-based (line, column) in the raw file."""
        return self._raw_lines.point(self.subst.offsets.to_raw(subst_index))

    def raw_point(self, raw_index: int) -> tuple[int, int]:
        return self._raw_lines.point(raw_index)

    def locate(self, path: KeyPath, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of a value (or of its key); the nearest located ancestor when absent."""
        probe = path
        while probe:
            span = self.spans.get(probe)
            if span is not None:
                index = span.key_start if key and span.key_start is not None and probe == path else span.start
                return self.point(index)
            probe = probe[:-1]
        return None, None

    def raw_span(self, path: KeyPath) -> tuple[int, int] | None:
        span = self.spans.get(path)
        if span is None:
            return None
        return self.subst.offsets.to_raw(span.start), self.subst.offsets.to_raw(
            max(span.end - 1, span.start)
        ) + 1

    def path_at(self, raw_index: int) -> KeyPath:
        """The deepest key path whose value covers a raw offset (for ``${VAR}`` findings)."""
        best: KeyPath = ()
        for path, span in self.spans.items():
            lo = self.subst.offsets.to_raw(span.start)
            hi = self.subst.offsets.to_raw(max(span.end - 1, span.start)) + 1
            if lo <= raw_index < hi and len(path) >= len(best):
                best = path
        return best

    def get(self, path: KeyPath, default: Any = None) -> Any:
        cur: Any = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(cur, list) or part >= len(cur):
                    return default
            elif not isinstance(cur, dict) or part not in cur:
                return default
            cur = cur[part]
        return cur

    # -- loading -------------------------------------------------------------------------
    def _load(self) -> None:
        loader = _BentoLoader(self.subst.text)
        try:
            node = loader.get_single_node()
            if node is not None:
                self._find_duplicates(node, ())
            self.data = loader.construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            what = ": ".join(p for p in (exc.context, exc.problem) if p)
            opened = exc.context_mark
            if opened is not None and mark is not None and opened.line != mark.line:
                # The line where the unclosed construct began is usually where the mistake is.
                what += f" (the construct began on line {self.point(opened.index)[0]})"
            self.failure = YamlFailure(what or "invalid YAML", mark.index if mark is not None else None)
            return
        except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors in practice
            self.failure = YamlFailure(str(exc).splitlines()[0], None)
            return
        finally:
            loader.dispose()
        if node is not None:
            self._index(node, (), None)

    def _find_duplicates(self, node: Node, path: KeyPath) -> None:
        # Before construction: PyYAML keeps the last duplicate silently, go-yaml v3 refuses it.
        if isinstance(node, MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value != "<<":
                    name = str(key_node.value)
                    if name in seen:
                        self.duplicates.append(
                            DuplicateKey((*path, name), key_node.start_mark.index, seen[name])
                        )
                    else:
                        seen[name] = key_node.start_mark.line + 1
                    self._find_duplicates(value_node, (*path, name))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self._find_duplicates(item, (*path, i))

    def _index(self, node: Node, path: KeyPath, key_start: int | None) -> None:
        style = node.style if isinstance(node, ScalarNode) else None
        # Assignment, not setdefault: after a `<<` merge the explicit key comes last and wins.
        self.spans[path] = NodeSpan(node.start_mark.index, node.end_mark.index, key_start, style, node)
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    self._index(value_node, (*path, str(key_node.value)), key_node.start_mark.index)
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, (*path, i), None)
