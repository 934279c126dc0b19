"""Entry point of the bento-cf plugin (PulumiPlugin.yaml ``main: provider/``).

Hosts ``BentoCloudflare`` with Pulumi's component provider, which infers the package schema
from the type annotations of the component and of its TypedDict args. The package is named
``bento-cf`` so the resource token is ``bento-cf:index:BentoCloudflare``, the same token the
component registers from Python.
"""

import sys
import typing
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pulumi  # noqa: E402

from bento_cf_component.component import BentoCloudflare  # noqa: E402

PACKAGE_NAME = "bento-cf"


def _resolve_annotations(component: type[pulumi.ComponentResource]) -> None:
    """Turn string annotations (``from __future__ import annotations``) into real types, in place.

    The analyzer reads ``inspect.get_annotations`` of the class and of ``__init__`` without
    evaluating strings. Only the component's own annotations are touched, evaluated in its module.
    """
    module_globals = vars(sys.modules[component.__module__])
    init_annotations: dict[str, typing.Any] = component.__init__.__annotations__
    # The class's own dict, not a copy (inspect.get_annotations returns a copy for classes).
    own_annotations: dict[str, typing.Any] = vars(component).get("__annotations__", {})
    for found in (init_annotations, own_annotations):
        pending = {key: value for key, value in found.items() if isinstance(value, str)}
        if pending:
            holder = SimpleNamespace(__annotations__=pending)
            found.update(typing.get_type_hints(holder, globalns=module_globals))


def components() -> list[type[pulumi.ComponentResource]]:
    """The components this package hosts, ready for the schema analyzer."""
    _resolve_annotations(BentoCloudflare)
    return [BentoCloudflare]


def package_version() -> str:
    try:
        return version("bento-cf")
    except PackageNotFoundError:
        return "0.0.0"


if __name__ == "__main__":
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(components(), PACKAGE_NAME, version=package_version())
