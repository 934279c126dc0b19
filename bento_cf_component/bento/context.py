"""What every rule module shares: the loaded source and the findings collected so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from .report import Pattern, Problem
from .source import KeyPath, LoadedSource


def dotted(path: KeyPath) -> str:
    return ".".join(str(p) for p in path)


@dataclass
class CheckContext:
    source: LoadedSource
    origin: str
    pattern: Pattern
    declared_env: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def _make(self, path: KeyPath, message: str, fix: str, key: bool, at: tuple[int, int] | None) -> Problem:
        line, column = at if at is not None else self.source.locate(path, key=key)
        return Problem(self.origin, line, column, dotted(path), message, fix)

    def problem(
        self, path: KeyPath, message: str, fix: str, *, key: bool = False, at: tuple[int, int] | None = None
    ) -> None:
        self.problems.append(self._make(path, message, fix, key, at))

    def warning(
        self, path: KeyPath, message: str, fix: str, *, key: bool = False, at: tuple[int, int] | None = None
    ) -> None:
        self.warnings.append(self._make(path, message, fix, key, at))

    def env_behind(self, path: KeyPath) -> list[str]:
        """Env references inside the raw text of a value, as ``${…}`` strings, for deploy-time facts.

        Returns the ones whose value the check cannot know: no default, or a default the
        container's own env (a declared name) overrides at run time.
        """
        span = self.source.raw_span(path)
        if span is None:
            return []
        lo, hi = span
        return [
            ref.text
            for ref in self.source.subst.refs
            if lo <= ref.start < hi and (ref.default is None or ref.name in self.declared_env)
        ]
