"""Run the bento-cf policies without the Pulumi CLI.

Two ways, both plain Python:

* ``violations(policy, type, props)`` builds ``ResourceValidationArgs`` directly and calls
  ``policy.validate``, as pulumi-policy's own tests do;
* ``analyze(...)`` / ``remediate(...)`` hand a gRPC ``AnalyzeRequest`` to the SDK's analyzer
  servicer, the object ``pulumi preview --policy-pack`` talks to, so properties go through the
  SDK's own decoding: secrets unwrapped (or wrapped in ``Secret`` for remediations), unknown
  values behind the proxy that raises ``UnknownValueError``.

Wire values use Pulumi's sentinels (``UNKNOWN``, ``secret(...)``) exactly as the engine sends them.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, Policy, ResourceValidationArgs, ResourceValidationPolicy
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import unknown_checking_proxy

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
if str(POLICY_DIR) not in sys.path:
    sys.path.insert(0, str(POLICY_DIR))

# The pack is not an installed package: tests import it through this module, which put it on the path.
import bento_cf_policy  # noqa: E402
from bento_cf_policy import (  # noqa: E402
    access_token,
    custom_domains,
    image_digest,
    management_endpoints,
    max_instances,
    resources,
    secrets_marked_secret,
)

# Pulumi's wire sentinels (pulumi/runtime/rpc.py, pulumi_policy/proxy.py).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

URN = "urn:pulumi:dev::bento-cf::bento-cf:index:BentoCloudflare$x::bento-x"


def secret(value: Any) -> dict[str, Any]:
    """A value as the engine sends a secret."""
    return {SIG_KEY: SECRET_SIG, "value": value}


def sdk_props(wire: Mapping[str, Any], *, proxy_secrets: bool = False) -> Mapping[str, Any]:
    """Properties as the SDK hands them to a policy (Analyze: ``proxy_secrets=False``)."""
    result: Mapping[str, Any] = unknown_checking_proxy(deserialize_properties(dict(wire), proxy_secrets))
    return result


def violations(
    policy: Policy,
    resource_type: str,
    wire: Mapping[str, Any],
    *,
    additional_secret_outputs: Sequence[str] = (),
) -> list[str]:
    """Call ``policy.validate`` directly; an unknown value propagates as ``UnknownValueError``."""
    assert isinstance(policy, ResourceValidationPolicy)
    from pulumi_policy.policy import PolicyCustomTimeouts, PolicyResourceOptions

    opts = PolicyResourceOptions(
        False, [], None, [], PolicyCustomTimeouts(0, 0, 0), list(additional_secret_outputs), None
    )
    args = ResourceValidationArgs(resource_type, sdk_props(wire), URN, "bento-x", opts, None)
    found: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    result = policy.validate(args, report)
    assert result is None, "bento-cf policies are synchronous"
    return found


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    message: str
    enforcement: int


def _servicer() -> _PolicyAnalyzerServicer:
    return _PolicyAnalyzerServicer(
        bento_cf_policy.PACK_NAME, "0.1.0", bento_cf_policy.policies(), EnforcementLevel.MANDATORY
    )


def _request(
    resource_type: str, wire: Mapping[str, Any], additional_secret_outputs: Sequence[str]
) -> analyzer_pb2.AnalyzeRequest:
    properties = struct_pb2.Struct()
    json_format.ParseDict(dict(wire), properties)
    return analyzer_pb2.AnalyzeRequest(
        urn=URN,
        type=resource_type,
        name="bento-x",
        properties=properties,
        options=analyzer_pb2.AnalyzerResourceOptions(additionalSecretOutputs=list(additional_secret_outputs)),
    )


def analyze(
    resource_type: str, wire: Mapping[str, Any], *, additional_secret_outputs: Sequence[str] = ()
) -> list[Diagnostic]:
    """What the pack reports for one resource, through the SDK's ``Analyze``."""
    response = _servicer().Analyze(  # type: ignore[no-untyped-call]
        _request(resource_type, wire, additional_secret_outputs), None
    )
    return [Diagnostic(d.policyName, d.message, d.enforcementLevel) for d in response.diagnostics]


def remediate(resource_type: str, wire: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The remediations the pack applies to one resource: (policy, new wire properties)."""
    response = _servicer().Remediate(_request(resource_type, wire, ()), None)  # type: ignore[no-untyped-call]
    return [(r.policyName, json_format.MessageToDict(r.properties)) for r in response.remediations]


__all__ = [
    "access_token",
    "bento_cf_policy",
    "custom_domains",
    "image_digest",
    "management_endpoints",
    "max_instances",
    "resources",
    "secrets_marked_secret",
]

MANDATORY = analyzer_pb2.MANDATORY
ADVISORY = analyzer_pb2.ADVISORY
