"""bento-cf — offline tools for Bento on Cloudflare Containers.

Needs no credentials, no Pulumi CLI and no Docker. Bad input: one line per problem on stderr,
exit status 1, no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol

import pulumi

from bento_cf_component.cli.commands import Subcommands, cost, dev, export, plan
from bento_cf_component.cli.project import ProjectError
from bento_cf_component.errors import BentoCfConfigError

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class Command(Protocol):
    """What a module under ``cli/commands`` provides."""

    NAME: str

    def register(self, commands: Subcommands) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: tuple[Command, ...] = (plan, cost, export, dev)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bento-cf", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--version", action="version", version=f"bento-cf {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def _version() -> str:
    try:
        return version("bento-cf")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    runner = next(c for c in COMMANDS if args.command == c.NAME)
    try:
        return runner.run(args)
    except BentoCfConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except pulumi.RunError as exc:  # e.g. the Worker bundle cannot be built: says what to run
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug, not bad input: still one line unless asked for more
        if os.environ.get("BENTO_CF_DEBUG"):
            traceback.print_exc()
        first_line = (str(exc).splitlines() or [""])[0]
        print(
            f"error: internal error ({type(exc).__name__}: {first_line}); "
            "rerun with BENTO_CF_DEBUG=1 for details",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
