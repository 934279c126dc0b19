"""What the policies look at: the resource types bento-cf declares and their property names.

Dynamic resources keep their Python (snake_case) input names; resources of bridged providers
(pulumi-cloudflare) use the schema's camelCase names. The names below are the ones
``bento-cf plan --stack dev --json`` shows; tests/policy checks them against the component.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

WORKER_SCRIPT = "pulumi-python:dynamic/bentocf:WorkerScript"
CONTAINER_APPLICATION = "pulumi-python:dynamic/bentocf:ContainerApplication"
REGISTRY_CREDENTIALS = "pulumi-python:dynamic/bentocf:RegistryCredentials"
CUSTOM_DOMAIN = "cloudflare:index/workersCustomDomain:WorkersCustomDomain"

# WorkerScript inputs
SETTINGS_JSON = "settings_json"
SECRET_BINDINGS = "secret_bindings"
ACCESS_TOKEN_BINDING = "BENTO_CF_ACCESS_TOKEN"

# ContainerApplication inputs
IMAGE = "image"
MAX_INSTANCES = "max_instances"

# WorkersCustomDomain inputs
HOSTNAME = "hostname"


class BadSettings(ValueError):
    """The Worker's runtime settings are not a JSON object."""


def worker_settings(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """The Worker's runtime settings (``BENTO_CF_SETTINGS``), parsed from ``settings_json``.

    Reading the property goes through the SDK's unknown-checking proxy: during a preview where
    the JSON is not known yet, this raises ``UnknownValueError`` and the SDK reports that the
    policy could not run, instead of a false violation.
    """
    raw = props.get(SETTINGS_JSON)
    if not isinstance(raw, str):
        raise BadSettings(f"{SETTINGS_JSON} is missing or not a string")
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BadSettings(f"{SETTINGS_JSON} is not valid JSON ({error.msg})") from error
    if not isinstance(parsed, dict):
        raise BadSettings(f"{SETTINGS_JSON} is not a JSON object")
    return parsed
