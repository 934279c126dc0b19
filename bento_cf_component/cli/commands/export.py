"""``bento-cf export wrangler``: the stack's component as a ``wrangler.jsonc``, from the offline plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bento_cf_component.build_paths import BUILD_ROOT
from bento_cf_component.cli.commands import Subcommands
from bento_cf_component.cli.commands.plan import add_stack_arguments, plan_stack

NAME = "export"
TARGETS = ("wrangler",)
DEFAULT_FILE = "wrangler.jsonc"


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        NAME,
        help="write an equivalent config for another tool (wrangler), offline",
        description="Plan the stack offline, then write the same Worker, container class, container "
        "application and routes as a wrangler.jsonc. Secrets are listed by name, never written.",
    )
    parser.add_argument("target", choices=TARGETS, help="the tool to write a config for")
    add_stack_arguments(parser)
    parser.add_argument(
        "--out",
        metavar="FILE",
        help=f"where to write it; '-' for stdout (default: .bento-cf/<stack>/<component>/{DEFAULT_FILE})",
    )
    parser.add_argument(
        "--component", metavar="NAME", help="which BentoCloudflare component (default: the only one)"
    )


def run(args: argparse.Namespace) -> int:
    planned = plan_stack(args)
    from bento_cf_component.export import select_component, wrangler_config

    parts = select_component(planned.recording, planned.stack, args.component)
    to_stdout = args.out == "-"
    if to_stdout:
        # Paths relative to here: where `> wrangler.jsonc` most likely puts the file.
        out_path = Path.cwd() / DEFAULT_FILE
    elif args.out:
        out_path = Path(args.out).resolve()
    else:
        out_path = planned.program_dir / BUILD_ROOT / planned.stack / parts.name / DEFAULT_FILE
    exported = wrangler_config(
        parts, program_dir=planned.program_dir, stack=planned.stack, out_dir=out_path.parent
    )
    text = exported.render(out_path.name)
    if to_stdout:
        sys.stdout.write(text)
        return 0
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(text, encoding="utf-8")
    print(f"wrote {_shown(out_path)} (component {parts.name}, stack {planned.stack})")
    for secret in exported.required_secrets:
        print(f"  set the secret {secret}: npx wrangler secret put {secret} --name {exported.config['name']}")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
