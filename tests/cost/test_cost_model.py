"""The cost model against a calculation done by hand from Cloudflare's published price list.

The seed report's example (its text is not available to us; this is the assumption reproduced):
**one `basic` container (1/4 vCPU, 1 GiB memory, 4 GB disk) running all month**, i.e. awake
24 hours a day for an average month of 365.25/12 days, its vCPU busy the whole time (CPU at
100% of the provisioned share), on a Workers Paid account with no other container usage.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bento_cf_component.cost import (
    INSTANCE_TYPES,
    WORKERS_PAID,
    ActivityProfile,
    ContainerDeployment,
    estimate_cost,
)
from bento_cf_component.errors import BentoCfConfigError

# Published rates (developers.cloudflare.com/containers/pricing, Workers Paid), typed in here on
# purpose rather than imported: the test checks the module, not itself.
MEMORY_PER_GIB_S = Decimal("0.0000025")
MEMORY_INCLUDED_GIB_H = 25
CPU_PER_VCPU_S = Decimal("0.000020")
CPU_INCLUDED_VCPU_MIN = 375
DISK_PER_GB_S = Decimal("0.00000007")
DISK_INCLUDED_GB_H = 200
BASE = Decimal(5)

BASIC = ContainerDeployment("bento-container", "basic", max_instances=1, instance_count=1)


def by_hand(*, vcpu: Decimal, gib: Decimal, gb: Decimal, hours: Decimal, cpu: Decimal) -> dict[str, Decimal]:
    seconds = hours * 3600
    return {
        "memory": max(gib * seconds - MEMORY_INCLUDED_GIB_H * 3600, Decimal(0)) * MEMORY_PER_GIB_S,
        "cpu": max(vcpu * cpu * seconds - CPU_INCLUDED_VCPU_MIN * 60, Decimal(0)) * CPU_PER_VCPU_S,
        "disk": max(gb * seconds - DISK_INCLUDED_GB_H * 3600, Decimal(0)) * DISK_PER_GB_S,
    }


def test_seed_example_basic_all_month() -> None:
    hours = Decimal(24) * Decimal("365.25") / 12  # 730.5 h
    expected = by_hand(vcpu=Decimal("0.25"), gib=Decimal(1), gb=Decimal(4), hours=hours, cpu=Decimal(1))
    # The same figures written out, so a reader can check them with a pencil:
    assert expected["memory"] == Decimal("6.3495")  # (730.5 - 25) GiB-h x 3600 x $0.0000025
    assert expected["cpu"] == Decimal("12.699")  # (0.25 x 2,629,800 s - 22,500 s) x $0.00002
    assert expected["disk"] == Decimal("0.685944")  # (4 x 730.5 - 200) GB-h x 3600 x $0.00000007

    estimate = estimate_cost([BASIC], ActivityProfile())
    lines = {line.resource: line for line in estimate.expected.lines}
    for resource, usd in expected.items():
        assert lines[resource].usd == usd, resource
    assert estimate.expected.base_usd == BASE
    assert estimate.expected.total_usd == Decimal("24.734444")
    assert estimate.ceiling is None  # count == max_instances: no separate ceiling


def test_naive_calculations_differ_where_docs_say() -> None:
    """docs/cost.md lists these; each naive shortcut moves the total by the amount stated there."""
    right = estimate_cost([BASIC], ActivityProfile()).expected.total_usd
    # 1. Forgetting the included allowances overstates by exactly their value.
    allowances = (
        MEMORY_INCLUDED_GIB_H * 3600 * MEMORY_PER_GIB_S
        + CPU_INCLUDED_VCPU_MIN * 60 * CPU_PER_VCPU_S
        + DISK_INCLUDED_GB_H * 3600 * DISK_PER_GB_S
    )
    assert allowances == Decimal("0.2250") + Decimal("0.45") + Decimal("0.0504")
    # 2. A 30-day month (720 h) understates by 10.5 h of running.
    thirty = (
        sum(
            by_hand(
                vcpu=Decimal("0.25"), gib=Decimal(1), gb=Decimal(4), hours=Decimal(720), cpu=Decimal(1)
            ).values()
        )
        + BASE
    )
    assert right - thirty == Decimal("0.294084")  # 37,800 s x (1 x 2.5e-6 + 0.25 x 2e-5 + 4 x 7e-8)
    # 3. Disk taken as 4 GiB (4.294967296 GB) instead of 4 GB.
    gib_disk = by_hand(
        vcpu=Decimal("0.25"),
        gib=Decimal(1),
        gb=Decimal("4.294967296"),
        hours=Decimal("730.5"),
        cpu=Decimal(1),
    )
    assert gib_disk["disk"] - Decimal("0.685944") > Decimal("0.05")
    # 4. CPU on active usage: at 10% utilisation the CPU line is a tenth minus the allowance.
    idle = estimate_cost([BASIC], ActivityProfile(cpu_utilisation=Decimal("0.1")))
    cpu = next(line for line in idle.expected.lines if line.resource == "cpu")
    assert cpu.usd == (Decimal("0.25") * Decimal("0.1") * Decimal("2629800") - 22500) * CPU_PER_VCPU_S
    assert idle.expected.total_usd < right - 10


def test_price_list_has_source_and_date() -> None:
    assert "developers.cloudflare.com/containers/pricing" in WORKERS_PAID.source
    assert WORKERS_PAID.date == "2026-08"
    assert WORKERS_PAID.memory_usd_per_gib_second == MEMORY_PER_GIB_S
    assert WORKERS_PAID.cpu_usd_per_vcpu_second == CPU_PER_VCPU_S
    assert WORKERS_PAID.disk_usd_per_gb_second == DISK_PER_GB_S


def test_instance_types_match_the_settings_model() -> None:
    from typing import get_args

    from bento_cf_component.settings.model import InstanceType

    assert set(INSTANCE_TYPES) == set(get_args(InstanceType))
    basic = INSTANCE_TYPES["basic"]
    assert (basic.vcpu, basic.memory_gib, basic.disk_gb) == (Decimal("0.25"), 1, 4)


def test_small_usage_is_covered_by_allowances() -> None:
    # One lite instance awake one hour a day: far below every allowance, only the base is paid.
    lite = ContainerDeployment("c", "lite", max_instances=3, instance_count=1)
    estimate = estimate_cost([lite], ActivityProfile(active_hours_per_day=Decimal(1)))
    assert all(line.usd == 0 for line in estimate.expected.lines)
    assert estimate.expected.total_usd == BASE


def test_allowances_subtracted_once_across_instances_and_deployments() -> None:
    two = ContainerDeployment("a", "basic", max_instances=4, instance_count=2)
    one = ContainerDeployment("b", "basic", max_instances=1, instance_count=1)
    estimate = estimate_cost([two, one], ActivityProfile())
    memory = next(line for line in estimate.expected.lines if line.resource == "memory")
    assert memory.usage == 3 * Decimal("2629800")
    assert memory.usd == (3 * Decimal("2629800") - 90000) * MEMORY_PER_GIB_S
    assert estimate.expected.base_usd == BASE  # one plan per account, not per deployment
    assert estimate.ceiling is not None
    assert dict(estimate.ceiling.running) == {"a": 4, "b": 1}
    assert estimate.ceiling.total_usd > estimate.expected.total_usd


def test_running_instances_above_max_is_refused() -> None:
    with pytest.raises(BentoCfConfigError, match=r"running_instances: 3 .*max_instances \(1\)"):
        estimate_cost([BASIC], ActivityProfile(running_instances=3))


def test_nothing_to_price() -> None:
    with pytest.raises(BentoCfConfigError, match="no container application"):
        estimate_cost([], ActivityProfile())
