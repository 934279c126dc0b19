"""``bento-cf dev``: run the stack's Worker locally (workerd) in front of a Bento you run yourself."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bento_cf_component.build_paths import BUILD_ROOT
from bento_cf_component.cli.commands import Subcommands
from bento_cf_component.cli.commands.plan import add_stack_arguments, plan_stack

NAME = "dev"
DEFAULT_PORT = 8787
DEV_STATE = "dev-state"


def register(commands: Subcommands) -> None:
    from bento_cf_component.dev.upstream import DEFAULT_UPSTREAM

    parser = commands.add_parser(
        NAME,
        help="run the stack's Worker locally, forwarding its containers to a Bento you run",
        description="Plan the stack offline, then serve its real Worker bundle with its runtime "
        "settings in workerd (miniflare) on 127.0.0.1. Every container the Worker starts forwards "
        "to --upstream: run Bento there yourself (the binary, or your own Docker). Secrets come from "
        "the environment (BENTO_CF_ACCESS_TOKEN, each container secret by its name); a missing "
        "access token is generated and printed once. Ctrl-C stops.",
    )
    add_stack_arguments(parser)
    parser.add_argument(
        "--upstream",
        metavar="URL",
        default=DEFAULT_UPSTREAM,
        help=f"where your Bento listens (default: {DEFAULT_UPSTREAM})",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"local port, 0 = any free one (default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--component", metavar="NAME", help="which BentoCloudflare component (default: the only one)"
    )


def run(args: argparse.Namespace) -> int:
    from bento_cf_component.dev.banner import banner
    from bento_cf_component.dev.launcher import (
        Stopped,
        check_node_dependencies,
        check_port_free,
        start_server,
    )
    from bento_cf_component.dev.plan_inputs import dev_target
    from bento_cf_component.dev.secrets import dev_secrets
    from bento_cf_component.dev.upstream import parse_upstream, ping_problem
    from bento_cf_component.worker.bundle import WORKER_DIR

    # The quick checks first: each is one line naming the fix, before the slow plan.
    upstream = parse_upstream(args.upstream)
    check_node_dependencies()
    check_port_free(args.port)

    try:
        planned = plan_stack(args)
    except KeyboardInterrupt:  # Ctrl-C during the plan: nothing started yet, nothing to report
        print("bento-cf dev: stopped", flush=True)
        return 0
    target = dev_target(planned.recording, planned.stack, args.component)
    secrets = dev_secrets(target.settings, os.environ)
    persist_dir: Path | None = None
    if target.pattern == "durable-object":
        persist_dir = planned.program_dir / BUILD_ROOT / planned.stack / DEV_STATE
        persist_dir.mkdir(parents=True, exist_ok=True)

    config = {
        "workerDir": str(WORKER_DIR),
        "mainModule": target.main_module,
        "moduleContent": target.module_content,
        "compatibilityDate": target.compatibility_date,
        "compatibilityFlags": list(target.compatibility_flags),
        "port": args.port,
        "settingsBinding": target.settings_binding,
        "settings": target.settings,
        "containerBinding": target.container_binding,
        "secrets": secrets.bindings,
        "upstream": upstream,
        "persistDir": str(persist_dir) if persist_dir is not None else None,
        "triggerHandlers": bool(target.settings.get("schedule")),
        "queue": None
        if target.queue is None
        else {
            "binding": target.queue.binding,
            "name": target.queue.name,
            "deadLetterQueue": target.queue.dead_letter_queue,
            "consumer": target.queue.miniflare_consumer(),
        },
    }
    upstream_problem = ping_problem(upstream)
    try:
        server = start_server(config)
    except (KeyboardInterrupt, Stopped):
        code = 0
    else:
        try:
            persisted = _shown(persist_dir) if persist_dir is not None else None
            print(
                banner(
                    target,
                    stack=planned.stack,
                    url=server.url,
                    upstream=upstream,
                    upstream_problem=upstream_problem,
                    secrets=secrets,
                    persist_dir=persisted,
                ),
                flush=True,
            )
            code = server.wait()
        except (KeyboardInterrupt, Stopped):
            code = 0
        finally:
            server.stop()  # whatever happened, workerd does not outlive the command
    if code == 0:
        print("bento-cf dev: stopped", flush=True)
        return 0
    print(
        f"error: the dev server stopped unexpectedly (status {code}); see its output above", file=sys.stderr
    )
    return 1


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535; 0 = any free one)")
    return port


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
