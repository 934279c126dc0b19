"""Bento's ``${VAR}`` / ``${VAR:default}`` environment interpolation, on the raw text.

Bento substitutes environment variables on the raw file bytes *before* YAML parsing
(``internal/config/env_vars.go``), so a reference can sit anywhere: inside a value, a key,
a comment, a Bloblang mapping. This module scans the raw text with Bento's own patterns,
produces the text the YAML parser should see, and keeps an offset map so positions found in
the substituted text can be reported against the user's file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Bento's patterns, verbatim (Go regexp and Python re agree on these: leftmost-first).
_ENV_RE = re.compile(r"\$\{([0-9A-Za-z_.]+)(:((\$\{[^}]+\})|[^}])*)?\}")
# ``${{FOO}}`` is an escape that yields a literal ``${FOO}``.
_ESCAPED_RE = re.compile(r"\$\{(\{[0-9A-Za-z_.]+(:((\$\{[^}]+\})|[^}])*)?\})\}")


@dataclass(frozen=True)
class EnvRef:
    """One ``${NAME}`` or ``${NAME:default}`` in the raw text."""

    name: str
    default: str | None  # None: no default; "" is the explicit empty default ``${NAME:}``
    start: int  # raw character offsets
    end: int

    @property
    def text(self) -> str:
        return f"${{{self.name}}}" if self.default is None else f"${{{self.name}:{self.default}}}"


class LineIndex:
    """Character offset → 1-based (line, column) in one text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def point(self, index: int) -> tuple[int, int]:
        row = bisect.bisect_right(self._starts, index) - 1
        return row + 1, index - self._starts[row] + 1

    def offset(self, line: int, column: int) -> int:
        """1-based (line, column) → offset; clamps to the text."""
        row = min(max(line - 1, 0), len(self._starts) - 1)
        return self._starts[row] + max(column - 1, 0)


class OffsetMap:
    """Maps offsets in the substituted text back to offsets in the raw text."""

    def __init__(self, edits: list[tuple[int, int, int]]) -> None:
        # edits: (raw_start, raw_end, substituted_length), sorted, non-overlapping.
        self._subst_starts: list[int] = []
        self._rows: list[tuple[int, int, int, int]] = []  # subst_start, subst_end, raw_start, raw_end
        shift = 0
        for raw_start, raw_end, new_len in edits:
            subst_start = raw_start + shift
            self._subst_starts.append(subst_start)
            self._rows.append((subst_start, subst_start + new_len, raw_start, raw_end))
            shift += new_len - (raw_end - raw_start)

    def to_raw(self, index: int) -> int:
        i = bisect.bisect_right(self._subst_starts, index) - 1
        if i < 0:
            return index
        _subst_start, subst_end, raw_start, raw_end = self._rows[i]
        if index < subst_end:
            return raw_start  # inside a substituted value: point at its ``${``
        return raw_end + (index - subst_end)


@dataclass(frozen=True)
class Substituted:
    """The text as Bento's YAML parser would see it, plus how to map positions back."""

    text: str
    refs: tuple[EnvRef, ...]
    offsets: OffsetMap


def scan_env_refs(raw: str) -> tuple[EnvRef, ...]:
    refs: list[EnvRef] = []
    for m in _ENV_RE.finditer(raw):
        default = m.group(2)[1:] if m.group(2) is not None else None
        refs.append(EnvRef(name=m.group(1), default=default, start=m.start(), end=m.end()))
    return tuple(refs)


def substitute(raw: str) -> Substituted:
    """Resolve references without knowing any value.

    A reference with a default becomes its default (the value Bento uses when the variable is
    unset). One without a default becomes its bare name: YAML-safe in every context and a
    harmless identifier inside Bloblang, while the offset map still lets callers find the
    reference behind any value that depends on it.
    """
    refs = scan_env_refs(raw)
    edits: list[tuple[int, int, str]] = []
    for ref in refs:
        value = ref.default if ref.default is not None else ref.name
        edits.append((ref.start, ref.end, value.replace("\n", "\\n")))
    taken = [(r.start, r.end) for r in refs]
    for m in _ESCAPED_RE.finditer(raw):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            edits.append((m.start(), m.end(), "$" + m.group(1)))
    edits.sort()
    parts: list[str] = []
    pos = 0
    for start, end, value in edits:
        parts.append(raw[pos:start])
        parts.append(value)
        pos = end
    parts.append(raw[pos:])
    return Substituted(
        text="".join(parts),
        refs=refs,
        offsets=OffsetMap([(s, e, len(v)) for s, e, v in edits]),
    )
