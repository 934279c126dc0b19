"""``bento-cf plan``: validate and show what ``pulumi up`` would declare, offline."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from bento_cf_component.cli.project import ProjectError, find_project

NAME = "plan"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        NAME,
        help="validate and show what `pulumi up` would declare, offline",
        description="Run the Pulumi program of the current project under Pulumi's mock engine and "
        "print the resources it declares. Nothing is deployed.",
    )
    add_stack_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every offline command takes to find a project and a stack."""
    parser.add_argument("--stack", required=True, help="stack name, e.g. dev (reads Pulumi.<stack>.yaml)")
    parser.add_argument("--config", metavar="FILE", help="use this Bento config instead of the stack's")
    parser.add_argument("--cwd", metavar="DIR", default=".", help="the project folder (default: here)")


def run(args: argparse.Namespace) -> int:
    planned = plan_stack(args)
    from bento_cf_component.cli.plan_render import render_json, render_text

    render = render_json if args.json else render_text
    print(
        render(planned.recording, project=planned.project, stack=planned.stack, artifacts=planned.artifacts)
    )
    return 0


class PlannedStack:
    """A stack's recorded plan, with where its artifacts were written."""

    def __init__(
        self, recording: Any, project: str, stack: str, program_dir: Path, artifacts: list[str]
    ) -> None:
        self.recording = recording
        self.project = project
        self.stack = stack
        self.program_dir = program_dir
        self.artifacts = artifacts


def plan_stack(args: argparse.Namespace) -> PlannedStack:
    """Run the project's program for ``args.stack`` under mocks; raise on bad input."""
    project = find_project(Path(args.cwd).resolve())
    stack = project.load_stack(args.stack)
    config = dict(stack.values)
    if getattr(args, "config", None):
        config_path = Path(args.config).resolve()
        if not config_path.is_file():
            raise ProjectError(f"--config {args.config}: no such file")
        bento = json.loads(config.get("bento-cf:bento", "{}"))
        bento.pop("inline", None)
        bento["config"] = str(config_path)
        config["bento-cf:bento"] = json.dumps(bento)

    program = project.program_dir / "__main__.py"
    if not program.is_file():
        raise ProjectError(f"no program at {program}; bento-cf runs Python programs (__main__.py)")

    # Imported here: loading the engine and providers is the slow part, keep --help fast.
    from bento_cf_component.cli.plan_engine import PlanProblems, run_program

    recording = run_program(
        program=program,
        project=project.name,
        stack=args.stack,
        config=config,
        secret_keys=stack.secret_keys,
    )
    if recording.errors:
        raise PlanProblems([error.strip().splitlines()[0] for error in recording.errors])

    artifacts_root = project.program_dir / ".bento-cf" / args.stack
    artifacts = sorted(
        os.path.relpath(path, Path.cwd()) for path in artifacts_root.rglob("*") if path.is_file()
    )
    return PlannedStack(recording, project.name, args.stack, project.program_dir, artifacts)
