"""Cloudflare's published Containers prices and the Workers Paid allowances, in one place.

Source: https://developers.cloudflare.com/containers/pricing/ — the stored copy of
``cloudflare/cloudflare-docs`` ``src/content/docs/containers/platform/pricing.mdx`` (commit
34e6bd8b80a8, the newest stored version, as summarised in the project's reference notes
``cloudflare-containers.md`` §4.5). That version post-dates general availability (2026-04-13)
and was read for notes whose sources are snapshotted up to 2026-08-22, so the list is dated
2026-08. Change the numbers here, and the date, when Cloudflare changes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PRICE_LIST_SOURCE = (
    "https://developers.cloudflare.com/containers/pricing/ "
    "(cloudflare-docs src/content/docs/containers/platform/pricing.mdx @ 34e6bd8b80a8)"
)
PRICE_LIST_DATE = "2026-08"
"""Month the price list was read (newest stored page version, after GA on 2026-04-13)."""


@dataclass(frozen=True)
class ContainerPrices:
    """Rates per second of running time, and what the Workers Paid plan includes each month."""

    workers_paid_base_usd_per_month: Decimal
    memory_usd_per_gib_second: Decimal
    memory_included_gib_hours: Decimal
    cpu_usd_per_vcpu_second: Decimal
    cpu_included_vcpu_minutes: Decimal
    disk_usd_per_gb_second: Decimal
    disk_included_gb_hours: Decimal
    billing_granularity_ms: int
    source: str
    date: str


WORKERS_PAID = ContainerPrices(
    workers_paid_base_usd_per_month=Decimal("5"),
    # "25 GiB-hours/month included, +$0.0000025 per additional GiB-second"
    memory_usd_per_gib_second=Decimal("0.0000025"),
    memory_included_gib_hours=Decimal("25"),
    # "375 vCPU-minutes/month, + $0.000020 per additional vCPU-second"
    cpu_usd_per_vcpu_second=Decimal("0.000020"),
    cpu_included_vcpu_minutes=Decimal("375"),
    # "200 GB-hours/month, +$0.00000007 per additional GB-second"
    disk_usd_per_gb_second=Decimal("0.00000007"),
    disk_included_gb_hours=Decimal("200"),
    # "billed for every 10ms that they are actively running"
    billing_granularity_ms=10,
    source=PRICE_LIST_SOURCE,
    date=PRICE_LIST_DATE,
)
