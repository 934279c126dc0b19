"""The monthly cost of a stack's containers: usage times published rates, allowances subtracted.

Model (docs/cost.md):

* memory and disk are billed on the *provisioned* resources of the instance type for every
  second an instance runs; CPU on *active usage* only — the provisioned vCPU times a
  utilisation share;
* a month is 365.25 / 12 = 30.4375 days; each running instance is awake the profile's hours a day;
* the Workers Paid allowances are per account and month: subtracted once from the total usage of
  every deployment (as if this stack were the account's only container usage);
* the Workers Paid base price is counted once;
* not modelled: egress, Workers requests and CPU, Durable Objects, Workers Logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bento_cf_component.cost.deployment import ContainerDeployment
from bento_cf_component.cost.prices import WORKERS_PAID, ContainerPrices
from bento_cf_component.cost.profile import DAYS_PER_MONTH, ActivityProfile
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.instance_types import INSTANCE_TYPES, InstanceResources

SECONDS_PER_HOUR = Decimal(3600)

NOT_INCLUDED = (
    "network egress (1 TB/month included in North America & Europe, then $0.025/GB; "
    "500 GB and $0.05 or $0.04/GB elsewhere)",
    "Workers requests and Worker CPU time (every request passes through the Worker)",
    "Durable Objects (each container instance has one)",
    "Workers Logs, taxes",
)


@dataclass(frozen=True)
class CostLine:
    """One billed resource: usage and allowance in the price list's unit, then the charge."""

    resource: str
    unit: str
    usage: Decimal
    included: Decimal
    rate_usd: Decimal

    @property
    def billable(self) -> Decimal:
        return max(self.usage - self.included, Decimal(0))

    @property
    def usd(self) -> Decimal:
        return self.billable * self.rate_usd


@dataclass(frozen=True)
class Scenario:
    label: str
    running: tuple[tuple[str, int], ...]
    """(deployment name, instances awake at once)."""
    lines: tuple[CostLine, ...]
    base_usd: Decimal

    @property
    def usage_usd(self) -> Decimal:
        return sum((line.usd for line in self.lines), Decimal(0))

    @property
    def total_usd(self) -> Decimal:
        return self.base_usd + self.usage_usd


@dataclass(frozen=True)
class CostEstimate:
    deployments: tuple[ContainerDeployment, ...]
    profile: ActivityProfile
    prices: ContainerPrices
    expected: Scenario
    ceiling: Scenario | None
    """Every deployment at ``max_instances``, when that differs from the expected count."""

    @property
    def assumptions(self) -> tuple[str, ...]:
        p = self.profile
        return (
            f"a month is {DAYS_PER_MONTH} days ({p.hours_per_month:.1f} hours awake at "
            f"{p.active_hours_per_day.normalize():f} h/day per running instance)",
            "memory and disk are billed on the instance type's provisioned resources while an instance runs",
            f"CPU is billed on active usage: {p.cpu_utilisation * 100:.0f}% of the provisioned vCPU "
            "while awake (measure yours and pass --cpu-utilisation)",
            "the included allowances and the $5 base are per account: counted once, "
            "as if this stack were the account's only container usage",
            "sleeping instances cost nothing; container.sleep_after keeps one awake that long after "
            "its last request",
        )


def resources_of(instance_type: str) -> InstanceResources:
    try:
        return INSTANCE_TYPES[instance_type]
    except KeyError:
        raise BentoCfConfigError(
            [
                f"bento-cf:container.instance_type: no price for {instance_type!r}; "
                f"known: {', '.join(INSTANCE_TYPES)}"
            ]
        ) from None


def estimate_cost(
    deployments: Sequence[ContainerDeployment],
    profile: ActivityProfile,
    prices: ContainerPrices = WORKERS_PAID,
) -> CostEstimate:
    """Price ``deployments`` under ``profile``; raise ``BentoCfConfigError`` on an impossible profile."""
    if not deployments:
        raise BentoCfConfigError(
            ["the program declares no container application, so there is nothing to price"]
        )
    expected: list[tuple[ContainerDeployment, int]] = []
    for d in deployments:
        running = profile.running_instances if profile.running_instances is not None else d.instance_count
        if running > d.max_instances:
            raise BentoCfConfigError(
                [
                    f"running_instances: {running} instances awake exceeds container.max_instances "
                    f"({d.max_instances}) of {d.name}; Cloudflare never runs more"
                ]
            )
        expected.append((d, running))
    expected_scenario = _scenario("expected", expected, profile, prices)
    ceiling = None
    if any(running != d.max_instances for d, running in expected):
        ceiling = _scenario("ceiling", [(d, d.max_instances) for d in deployments], profile, prices)
    return CostEstimate(tuple(deployments), profile, prices, expected_scenario, ceiling)


def _scenario(
    label: str,
    running: Sequence[tuple[ContainerDeployment, int]],
    profile: ActivityProfile,
    prices: ContainerPrices,
) -> Scenario:
    seconds = profile.hours_per_month * SECONDS_PER_HOUR
    memory = cpu = disk = Decimal(0)
    for deployment, count in running:
        r = resources_of(deployment.instance_type)
        memory += count * r.memory_gib * seconds
        cpu += count * r.vcpu * profile.cpu_utilisation * seconds
        disk += count * r.disk_gb * seconds
    lines = (
        CostLine(
            "memory",
            "GiB-s",
            memory,
            prices.memory_included_gib_hours * SECONDS_PER_HOUR,
            prices.memory_usd_per_gib_second,
        ),
        CostLine("cpu", "vCPU-s", cpu, prices.cpu_included_vcpu_minutes * 60, prices.cpu_usd_per_vcpu_second),
        CostLine(
            "disk",
            "GB-s",
            disk,
            prices.disk_included_gb_hours * SECONDS_PER_HOUR,
            prices.disk_usd_per_gb_second,
        ),
    )
    return Scenario(
        label=label,
        running=tuple((d.name, n) for d, n in running),
        lines=lines,
        base_usd=prices.workers_paid_base_usd_per_month,
    )
