"""``bento-cf plan``: validate and show what ``pulumi up`` would declare, offline."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bento_cf_component.cli.commands import Subcommands
from bento_cf_component.cli.project import ProjectError, find_project
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.patterns.bento_override import bento_config_override

if TYPE_CHECKING:  # the engine loads Pulumi's runtime; commands import it only when they run
    from bento_cf_component.cli.plan_engine import PlanRecording

NAME = "plan"
FORMATS = ("text", "json", "markdown")


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        NAME,
        help="validate and show what `pulumi up` would declare, offline",
        description="Run the Pulumi program of the current project under Pulumi's mock engine and "
        "print the resources it declares. Nothing is deployed.",
    )
    add_stack_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the plan as JSON (same as --format json)")
    parser.add_argument(
        "--diff",
        metavar="OLD.json",
        help="compare with a previous `bento-cf plan --json` output and show what would change",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="text (default), json, or markdown (a pull-request comment; needs --diff)",
    )


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every offline command takes to find a project and a stack."""
    parser.add_argument("--stack", required=True, help="stack name, e.g. dev (reads Pulumi.<stack>.yaml)")
    parser.add_argument("--config", metavar="FILE", help="use this Bento config instead of the stack's")
    parser.add_argument("--cwd", metavar="DIR", default=".", help="the project folder (default: here)")


def run(args: argparse.Namespace) -> int:
    output_format = _output_format(args)
    # Read the old plan first: a bad file fails fast, before the (slow) plan runs.
    old_document = _read_old_plan(args.diff) if args.diff else None
    planned = plan_stack(args)
    from bento_cf_component.cli.plan_render import render_json, render_text

    if old_document is None:
        render = render_json if output_format == "json" else render_text
        artifacts = planned.artifacts
        print(render(planned.recording, project=planned.project, stack=planned.stack, artifacts=artifacts))
        return 0

    from bento_cf_component.cli import plan_diff

    # The new side goes through the same JSON form as the old one, so both compare like for like.
    new_document = json.loads(
        render_json(planned.recording, project=planned.project, stack=planned.stack, artifacts=[])
    )
    diff = plan_diff.diff_plans(old_document, new_document)
    renderers = {
        "text": plan_diff.render_diff_text,
        "json": plan_diff.render_diff_json,
        "markdown": plan_diff.render_diff_markdown,
    }
    print(renderers[output_format](diff), end="" if output_format == "markdown" else "\n")
    return 0  # a diff is a report: changes are not a failure


def _output_format(args: argparse.Namespace) -> str:
    if args.json and args.format not in (None, "json"):
        raise BentoCfConfigError([f"--json and --format {args.format} contradict each other; keep one"])
    output_format: str = "json" if args.json else (args.format or "text")
    if output_format == "markdown" and not args.diff:
        raise BentoCfConfigError(
            ["--format markdown renders a diff: add --diff OLD.json (a previous `bento-cf plan --json`)"]
        )
    return output_format


def _read_old_plan(path_text: str) -> dict[str, Any]:
    from bento_cf_component.cli.plan_diff import PlanDocumentError, read_plan_document

    path = Path(path_text)
    hint = "pass the saved output of `bento-cf plan --stack <stack> --json`"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BentoCfConfigError([f"--diff {path_text}: no such file; {hint}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BentoCfConfigError([f"--diff {path_text}: cannot read it ({exc}); {hint}"]) from None
    except json.JSONDecodeError as exc:
        raise BentoCfConfigError(
            [f"--diff {path_text}: not JSON (line {exc.lineno}: {exc.msg}); {hint}"]
        ) from None
    try:
        return read_plan_document(document)
    except PlanDocumentError as exc:
        raise BentoCfConfigError([f"--diff {path_text}: {exc}; {hint}"]) from None


@dataclass(frozen=True)
class PlannedStack:
    """A stack's recorded plan, with where its artifacts were written."""

    recording: PlanRecording
    project: str
    stack: str
    program_dir: Path
    artifacts: list[str]


def plan_stack(args: argparse.Namespace) -> PlannedStack:
    """Run the project's program for ``args.stack`` under mocks; raise on bad input."""
    project = find_project(Path(args.cwd).resolve())
    stack = project.load_stack(args.stack)
    config = dict(stack.values)
    override: str | None = None
    if getattr(args, "config", None):
        config_path = Path(args.config).resolve()
        if not config_path.is_file():
            raise ProjectError(f"--config {args.config}: no such file")
        override = str(config_path)

    program = project.program_dir / "__main__.py"
    if not program.is_file():
        raise ProjectError(f"no program at {program}; bento-cf runs Python programs (__main__.py)")

    # Imported here: loading the engine and providers is the slow part, keep --help fast.
    from bento_cf_component.cli.plan_engine import PlanProblems, run_program

    # Through the environment, so it reaches components whose program sets bento.config in
    # Python as well as those configured by stack config.
    with bento_config_override(override):
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
