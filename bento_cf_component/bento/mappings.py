"""Finds every Bloblang mapping and ``${! … }`` interpolation in a config and checks it.

Bento marks Bloblang fields in its component specs; without the binary we recognise them by
field name, which is unambiguous across Bento's components: processors ``mapping``,
``bloblang``, ``mutation``, ``branch``/``workflow`` ``request_map``/``result_map``,
``switch``/``while``/``group_by``/batching ``check``, ``generate.mapping``, SQL/Cassandra/Redis
``args_mapping``, ``log.fields_mapping``, MongoDB ``document_map``/``filter_map``/``hint_map``,
tracing ``inject_tracing_map``/``extract_tracing_map`` and ``metrics.mapping``. The whole tree
is walked (``*_resources``, nested ``processors``, inputs, outputs, brokers), except ``tests``,
which does not run in a deployed container.

Interpolations are checked in every other string value; Bento only evaluates them in fields
marked as interpolated, so a ``${!`` in a plain field would be checked needlessly (not seen
in Bento's own configs or docs).
"""

from __future__ import annotations

from typing import Any

from .bloblang import check_mapping, find_interpolations
from .context import CheckContext
from .source import KeyPath

BLOBLANG_FIELDS = frozenset(
    {
        "mapping",
        "bloblang",
        "mutation",
        "request_map",
        "result_map",
        "check",
        "args_mapping",
        "fields_mapping",
        "document_map",
        "filter_map",
        "hint_map",
        "inject_tracing_map",
        "extract_tracing_map",
    }
)
_NOT_RUN = frozenset({"tests"})


def check_all_mappings(ctx: CheckContext) -> int:
    """Syntax-check every mapping and interpolation; returns how many were checked."""
    count = 0
    for path, text, is_mapping in _strings(ctx.source.data, ()):
        if is_mapping:
            count += 1
            issue = check_mapping(text)
            if issue is not None:
                ctx.problem(
                    path,
                    f"Bloblang syntax error: {issue.message}",
                    "fix the mapping (try it with `bento blobl`)",
                    at=value_point(ctx, path, text, issue.offset),
                )
            continue
        for interp in find_interpolations(text):
            count += 1
            if interp.issue is not None:
                ctx.problem(
                    path,
                    f"Bloblang syntax error in interpolation: {interp.issue.message}",
                    "fix the query inside `${! … }` (or escape a literal as `${{! … }}`)",
                    at=value_point(ctx, path, text, interp.issue.offset),
                )
    return count


def _strings(node: Any, path: KeyPath) -> list[tuple[KeyPath, str, bool]]:
    found: list[tuple[KeyPath, str, bool]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if not path and key in _NOT_RUN:
                continue
            sub = (*path, str(key))
            if isinstance(value, str):
                found.append((sub, value, str(key) in BLOBLANG_FIELDS))
            else:
                found.extend(_strings(value, sub))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, str):
                found.append(((*path, i), item, False))
            else:
                found.extend(_strings(item, (*path, i)))
    return found


def value_point(ctx: CheckContext, path: KeyPath, value: str, offset: int) -> tuple[int, int] | None:
    """File (line, column) of character ``offset`` inside the YAML string value at ``path``.

    Exact for literal blocks (``|``) and single-line scalars; for folded or multi-line
    plain/quoted scalars it follows YAML's line folding, which is exact unless escapes or
    blank lines sit before the offset.
    """
    span = ctx.source.spans.get(path)
    if span is None:
        return None
    text = ctx.source.subst.text
    if span.style in ("|", ">"):
        header_end = text.find("\n", span.start)
        if header_end < 0:
            return None
        lines = text[header_end + 1 : span.end].split("\n")
        indent = next((len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()), 0)
        starts: list[int] = []
        pos = header_end + 1
        for ln in lines:
            starts.append(pos)
            pos += len(ln) + 1
        if span.style == "|":
            row = value.count("\n", 0, offset)
            col = offset - (value.rfind("\n", 0, offset) + 1)
            if row < len(starts):
                return ctx.source.point(starts[row] + indent + col)
            return ctx.source.point(span.start)
        return _folded_point(
            ctx, [(s + indent, ln[indent:]) for s, ln in zip(starts, lines, strict=True)], offset
        )
    first = span.start + (1 if span.style in ("'", '"') else 0)
    end = span.end - (1 if span.style in ("'", '"') else 0)
    pieces: list[tuple[int, str]] = []
    pos = first
    for i, ln in enumerate(text[first:end].split("\n")):
        lead = 0 if i == 0 else len(ln) - len(ln.lstrip(" \t"))
        pieces.append((pos + lead, ln[lead:]))
        pos += len(ln) + 1
    return _folded_point(ctx, pieces, offset)


def _folded_point(ctx: CheckContext, pieces: list[tuple[int, str]], offset: int) -> tuple[int, int]:
    # Folding joins source lines with one space: walk the pieces by their folded lengths.
    consumed = 0
    for index, (start, content) in enumerate(pieces):
        stripped = content.rstrip(" \t")
        if offset <= consumed + len(stripped) or index == len(pieces) - 1:
            return ctx.source.point(start + max(0, min(offset - consumed, len(content))))
        consumed += len(stripped) + 1
    return ctx.source.point(pieces[0][0] if pieces else 0)  # pragma: no cover - pieces never empty
