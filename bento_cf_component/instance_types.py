"""What each Cloudflare Containers instance type provisions (reference notes §4.1).

Source: cloudflare-docs ``containers/platform/limits.mdx``, wrangler's ``instance-type.ts``
table and the official SDK enum. vCPU as a fraction, memory in GiB (binary), disk in GB
(decimal: wrangler's table gives ``disk_mb`` 2000, 4000, …), as the price list bills them
(GiB-seconds of memory, GB-seconds of disk).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

InstanceType = Literal["lite", "basic", "standard-1", "standard-2", "standard-3", "standard-4"]
"""The predefined instance types the Containers API accepts (the official SDK's enum)."""
INSTANCE_TYPE_NAMES: tuple[InstanceType, ...] = get_args(InstanceType)


@dataclass(frozen=True)
class InstanceResources:
    name: str
    vcpu: Decimal
    memory_gib: Decimal
    disk_gb: Decimal

    def describe(self) -> str:
        memory = f"{self.memory_gib.normalize():f} GiB memory"
        return f"{_fraction(self.vcpu)} vCPU, {memory}, {self.disk_gb:f} GB disk"


def _fraction(vcpu: Decimal) -> str:
    if vcpu >= 1:
        return f"{vcpu.normalize():f}"
    return f"1/{(1 / vcpu).normalize():f}"


INSTANCE_TYPES: dict[str, InstanceResources] = {
    t.name: t
    for t in (
        InstanceResources("lite", Decimal("0.0625"), Decimal("0.25"), Decimal("2")),
        InstanceResources("basic", Decimal("0.25"), Decimal("1"), Decimal("4")),
        InstanceResources("standard-1", Decimal("0.5"), Decimal("4"), Decimal("8")),
        InstanceResources("standard-2", Decimal("1"), Decimal("6"), Decimal("12")),
        InstanceResources("standard-3", Decimal("2"), Decimal("8"), Decimal("16")),
        InstanceResources("standard-4", Decimal("4"), Decimal("12"), Decimal("20")),
    )
}
