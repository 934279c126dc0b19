"""``bento-cf`` — the offline plan: validate, run the program under Pulumi's mock engine, show it.

Needs no credentials, no Pulumi CLI and no Docker. Bad input: one line per problem on stderr,
exit status 1, no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import pulumi

from bento_cf_component.cli.project import ProjectError, find_project
from bento_cf_component.errors import BentoCfConfigError

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bento-cf", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser(
        "plan",
        help="validate and show what `pulumi up` would declare, offline",
        description="Run the Pulumi program of the current project under Pulumi's mock engine and "
        "print the resources it declares. Nothing is deployed.",
    )
    plan.add_argument("--stack", required=True, help="stack name, e.g. dev (reads Pulumi.<stack>.yaml)")
    plan.add_argument("--config", metavar="FILE", help="plan with this Bento config instead of the stack's")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument("--cwd", metavar="DIR", default=".", help="the project folder (default: here)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _plan(args)
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


def _plan(args: argparse.Namespace) -> int:
    project = find_project(Path(args.cwd).resolve())
    stack = project.load_stack(args.stack)
    config = dict(stack.values)
    if args.config:
        config_path = Path(args.config).resolve()
        if not config_path.is_file():
            raise ProjectError(f"--config {args.config}: no such file")
        bento = json.loads(config.get("bento-cf:bento", "{}"))
        bento.pop("inline", None)
        bento["config"] = str(config_path)
        config["bento-cf:bento"] = json.dumps(bento)

    program = project.program_dir / "__main__.py"
    if not program.is_file():
        raise ProjectError(f"no program at {program}; bento-cf plan runs Python programs (__main__.py)")

    # Imported here: loading the engine and providers is the slow part, keep --help fast.
    from bento_cf_component.cli.plan_engine import run_program
    from bento_cf_component.cli.plan_render import render_json, render_text

    recording = run_program(
        program=program,
        project=project.name,
        stack=args.stack,
        config=config,
        secret_keys=stack.secret_keys,
    )
    if recording.errors:
        for error in recording.errors:
            print(f"error: {error.strip().splitlines()[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT

    artifacts_root = project.program_dir / ".bento-cf" / args.stack
    artifacts = sorted(
        os.path.relpath(path, Path.cwd()) for path in artifacts_root.rglob("*") if path.is_file()
    )
    render = render_json if args.json else render_text
    print(render(recording, project=project.name, stack=args.stack, artifacts=artifacts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
