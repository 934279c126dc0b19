"""``bento-cf cost``: what the stack's containers cost per month, from the offline plan."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from bento_cf_component.cli.commands import Subcommands
from bento_cf_component.cli.commands.plan import add_stack_arguments, plan_stack

NAME = "cost"


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        NAME,
        help="estimate the monthly cost of the stack's containers",
        description="Plan the stack offline (same checks as `bento-cf plan`), then price its container "
        "instances with Cloudflare's published Containers rates, the Workers Paid allowances subtracted. "
        "Egress, Workers requests and Durable Objects are not included.",
    )
    add_stack_arguments(parser)
    activity = parser.add_mutually_exclusive_group()
    activity.add_argument(
        "--active-hours-per-day",
        metavar="H",
        help="hours a day each running instance is awake (0-24; default 24)",
    )
    activity.add_argument(
        "--profile",
        metavar="FILE",
        help="YAML/JSON activity profile: active_hours_per_day or week, cpu_utilisation, running_instances",
    )
    parser.add_argument(
        "--cpu-utilisation",
        metavar="U",
        help="share of the provisioned vCPU used while awake, 0 < U <= 1 (default 1: measure yours)",
    )
    parser.add_argument("--json", action="store_true", help="print the estimate as JSON")


def run(args: argparse.Namespace) -> int:
    # Imported here: keep `bento-cf --help` fast.
    from bento_cf_component.cost import ActivityProfile, deployments_from_plan, estimate_cost, load_profile
    from bento_cf_component.cost.profile import cpu_utilisation, hours_per_day
    from bento_cf_component.cost.render import render_json, render_text

    profile = load_profile(Path(args.profile)) if args.profile else ActivityProfile()
    given = [profile.origin] if args.profile else []
    if args.active_hours_per_day is not None:
        hours = hours_per_day(args.active_hours_per_day, "--active-hours-per-day", "bento-cf cost")
        profile = replace(profile, active_hours_per_day=hours)
        given.append(f"--active-hours-per-day {args.active_hours_per_day}")
    if args.cpu_utilisation is not None:
        share = cpu_utilisation(args.cpu_utilisation, "--cpu-utilisation", "bento-cf cost")
        profile = replace(profile, cpu_utilisation=share)
        given.append(f"--cpu-utilisation {args.cpu_utilisation}")
    if given:
        profile = replace(profile, origin=", ".join(given))

    planned = plan_stack(args)
    estimate = estimate_cost(deployments_from_plan(planned.recording), profile)
    render = render_json if args.json else render_text
    print(render(estimate, project=planned.project, stack=planned.stack))
    return 0
