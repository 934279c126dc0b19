"""The one error type users see: one line per problem, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable

import pulumi


class BentoCfConfigError(pulumi.RunError):
    """Bad input. Each problem is one line naming the setting, the bad value and the fix.

    It subclasses ``pulumi.RunError`` so that under ``pulumi up`` the engine prints the message
    without the program's stack trace, and it is raised before any resource is declared, so bad
    input never leaves a half-deployed stack.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))
