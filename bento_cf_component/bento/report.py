"""Result types of the Bento check: one-line problems and the check's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Pattern = Literal["request", "queue", "durable-object"]
ResponseMode = Literal["sync", "accepted"]


@dataclass(frozen=True)
class Problem:
    """One finding, located in the user's file when the location is known."""

    origin: str
    line: int | None
    column: int | None
    key_path: str
    message: str
    fix: str

    def __str__(self) -> str:
        # One line, compiler style, so editors and CI logs can jump to it.
        where = self.origin
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.key_path}: {self.message}" if self.key_path else f"{where}: {self.message}"
        if self.fix:
            text += f" — {self.fix}"
        return " ".join(text.split("\n"))


@dataclass(frozen=True)
class BentoCheckResult:
    """What the check found; the deploy facts are only meaningful when ``ok``."""

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    port: int = 4195
    input_path: str = "/post"
    input_methods: tuple[str, ...] = ("POST",)
    ws_path: str | None = None
    response_mode: ResponseMode = "accepted"
    mappings_checked: int = 0
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems
