"""What a stack's containers cost per month, from Cloudflare's published prices (docs/cost.md)."""

from bento_cf_component.cost.deployment import ContainerDeployment, deployments_from_plan
from bento_cf_component.cost.estimate import CostEstimate, CostLine, Scenario, estimate_cost
from bento_cf_component.cost.prices import PRICE_LIST_DATE, PRICE_LIST_SOURCE, WORKERS_PAID, ContainerPrices
from bento_cf_component.cost.profile import DAYS_PER_MONTH, ActivityProfile, load_profile
from bento_cf_component.instance_types import INSTANCE_TYPES, InstanceResources

__all__ = [
    "DAYS_PER_MONTH",
    "INSTANCE_TYPES",
    "PRICE_LIST_DATE",
    "PRICE_LIST_SOURCE",
    "WORKERS_PAID",
    "ActivityProfile",
    "ContainerDeployment",
    "ContainerPrices",
    "CostEstimate",
    "CostLine",
    "InstanceResources",
    "Scenario",
    "deployments_from_plan",
    "estimate_cost",
    "load_profile",
]
