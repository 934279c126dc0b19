"""bento-cf: Pulumi components that deploy the Bento stream processor onto Cloudflare Containers.

``BentoCloudflare`` is imported lazily so that the CLI and the settings checks start without
loading the Cloudflare and Docker providers (several seconds and ~165 MB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.settings import BentoCloudflareArgs, args_from_stack_config

if TYPE_CHECKING:
    from bento_cf_component.component import BentoCloudflare

__all__ = ["BentoCfConfigError", "BentoCloudflare", "BentoCloudflareArgs", "args_from_stack_config"]


def __getattr__(name: str) -> Any:
    if name == "BentoCloudflare":
        from bento_cf_component.component import BentoCloudflare

        return BentoCloudflare
    raise AttributeError(name)
