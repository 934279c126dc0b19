"""Entry point of the bento-cf plugin (PulumiPlugin.yaml ``main: provider/``).

Hosts ``BentoCloudflare`` with Pulumi's component provider, which infers the package schema
from the type annotations of the component and of its TypedDict args. The package is named
``bento-cf`` so the resource token is ``bento-cf:index:BentoCloudflare``, the same token the
component registers from Python.
"""

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pulumi  # noqa: E402

from bento_cf_component.component import BentoCloudflare  # noqa: E402

PACKAGE_NAME = "bento-cf"


def components() -> list[type[pulumi.ComponentResource]]:
    """The components this package hosts, ready for the schema analyzer."""
    return [BentoCloudflare]


def package_version() -> str:
    try:
        return version("bento-cf")
    except PackageNotFoundError:
        return "0.0.0"


if __name__ == "__main__":
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(components(), PACKAGE_NAME, version=package_version())
