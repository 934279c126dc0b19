"""Show a cost estimate for people (text) or machines (JSON)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bento_cf_component.cost.estimate import NOT_INCLUDED, CostEstimate, CostLine, Scenario
from bento_cf_component.instance_types import INSTANCE_TYPES

_CENT = Decimal("0.01")
_MICRO = Decimal("0.000001")


def usd(value: Decimal) -> str:
    return f"${value.quantize(_CENT, rounding=ROUND_HALF_UP):,}"


def _hours(line: CostLine, value: Decimal) -> str:
    unit = line.unit.removesuffix("-s")
    if line.resource == "cpu":
        return f"{value / 60:,.1f} {unit}-min"
    return f"{value / 3600:,.1f} {unit}-h"


def render_text(estimate: CostEstimate, *, project: str, stack: str) -> str:
    prices = estimate.prices
    out = [f"bento-cf cost · project {project} · stack {stack} · prices of {prices.date}", ""]
    for d in estimate.deployments:
        out.append(
            f"{d.name}: {d.instance_type} ({INSTANCE_TYPES[d.instance_type].describe()}), "
            f"instances.count {d.instance_count}, max_instances {d.max_instances}"
        )
    out.append(f"profile: {estimate.profile.origin}")
    out.append("")
    for scenario in (estimate.expected, estimate.ceiling):
        if scenario is not None:
            out += _scenario_text(scenario)
            out.append("")
    out.append("Assumptions:")
    out += [f"  - {a}" for a in estimate.assumptions]
    out.append("Not included:")
    out += [f"  - {n}" for n in NOT_INCLUDED]
    out.append(f"Prices: {prices.source}, read {prices.date}.")
    return "\n".join(out)


def _scenario_text(scenario: Scenario) -> list[str]:
    running = ", ".join(f"{n} x {name}" for name, n in scenario.running)
    title = "Expected" if scenario.label == "expected" else "Ceiling (every deployment at max_instances)"
    rows = [f"{title}: {running} running", f"  {'':8}{'usage':>22}{'included':>20}{'billed':>12}"]
    for line in scenario.lines:
        rows.append(
            f"  {line.resource:8}{_hours(line, line.usage):>22}{_hours(line, line.included):>20}"
            f"{usd(line.usd):>12}"
        )
    rows.append(f"  {'base':8}{'Workers Paid plan':>42}{usd(scenario.base_usd):>12}")
    rows.append(f"  {'total':8}{'per month':>42}{usd(scenario.total_usd):>12}")
    return rows


def _num(value: Decimal) -> float:
    return float(value.quantize(_MICRO, rounding=ROUND_HALF_UP))


def _scenario_json(scenario: Scenario) -> dict[str, Any]:
    return {
        "running_instances": dict(scenario.running),
        "lines": {
            line.resource: {
                "unit": line.unit,
                "usage": _num(line.usage),
                "included": _num(line.included),
                "billable": _num(line.billable),
                "rate_usd": float(line.rate_usd),
                "usd": _num(line.usd),
            }
            for line in scenario.lines
        },
        "base_usd": _num(scenario.base_usd),
        "total_usd": _num(scenario.total_usd),
    }


def render_json(estimate: CostEstimate, *, project: str, stack: str) -> str:
    p = estimate.profile
    document = {
        "project": project,
        "stack": stack,
        "prices": {"source": estimate.prices.source, "date": estimate.prices.date},
        "deployments": [
            {
                "name": d.name,
                "instance_type": d.instance_type,
                "instance_count": d.instance_count,
                "max_instances": d.max_instances,
            }
            for d in estimate.deployments
        ],
        "profile": {
            "origin": p.origin,
            "active_hours_per_day": float(p.active_hours_per_day),
            "hours_per_month": _num(p.hours_per_month),
            "cpu_utilisation": float(p.cpu_utilisation),
        },
        "expected": _scenario_json(estimate.expected),
        "ceiling": _scenario_json(estimate.ceiling) if estimate.ceiling else None,
        "assumptions": list(estimate.assumptions),
        "not_included": list(NOT_INCLUDED),
    }
    return json.dumps(document, indent=2)
