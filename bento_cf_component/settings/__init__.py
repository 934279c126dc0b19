"""Public, typed settings of the component and their validation."""

from bento_cf_component.instance_types import InstanceType
from bento_cf_component.settings.args import BentoCloudflareArgs
from bento_cf_component.settings.model import (
    BENTO_VERSION,
    ComponentSettings,
    Pattern,
)
from bento_cf_component.settings.stack_config import args_from_stack_config
from bento_cf_component.settings.validate import default_worker_name, validate_settings

__all__ = [
    "BENTO_VERSION",
    "BentoCloudflareArgs",
    "ComponentSettings",
    "InstanceType",
    "Pattern",
    "args_from_stack_config",
    "default_worker_name",
    "validate_settings",
]
