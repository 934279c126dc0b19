"""Load the plugin entry point (provider/__main__.py) and generate the package schema in-process.

This is what ``pulumi package add`` / ``pulumi package get-schema`` obtain from the plugin:
Pulumi's ``ComponentProvider`` runs the schema analyzer over the hosted components.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from pulumi.provider.experimental.component import ComponentProvider

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bento-cf:index:BentoCloudflare"


@cache
def plugin_main() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bento_cf_plugin_main", ROOT / "provider" / "__main__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def provider() -> ComponentProvider:
    main = plugin_main()
    return ComponentProvider(main.components(), main.PACKAGE_NAME, version=main.package_version())


def schema() -> dict[str, Any]:
    text = provider().schema
    assert text is not None
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def resolve(spec: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any] | None:
    """The object type a property refers to (``$ref`` to ``#/types/…``), if any."""
    ref = prop.get("$ref", "")
    if ref.startswith("#/types/"):
        found: dict[str, Any] = spec["types"][ref.removeprefix("#/types/")]
        return found
    return None
