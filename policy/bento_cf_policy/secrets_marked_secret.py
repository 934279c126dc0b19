"""``secrets-marked-secret``: secret bindings and registry passwords are Pulumi secrets.

Two halves, because of what a Python policy can see:

* **validate** — the resource options must keep the secret outputs secret in state:
  ``additional_secret_outputs`` lists ``secret_bindings`` on the WorkerScript and ``password`` on
  the RegistryCredentials. This is visible to validation.
* **remediate** — the WorkerScript's ``secret_bindings`` *input* must itself be a secret. The
  Python SDK hands validators secret values already unwrapped (``Analyze`` deserialises with
  ``proxy_secrets=False``), so a validator cannot tell; a remediation sees them wrapped in
  ``pulumi_policy.Secret`` and can mark a plaintext value secret, which the engine then encrypts.

Enforcement is ``remediate``: a plaintext ``secret_bindings`` is marked secret (and the preview
says so); a violation of the validate half is reported as mandatory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceRemediation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
)

from bento_cf_policy.resources import REGISTRY_CREDENTIALS, SECRET_BINDINGS, WORKER_SCRIPT

NAME = "secrets-marked-secret"

SECRET_OUTPUTS = {WORKER_SCRIPT: SECRET_BINDINGS, REGISTRY_CREDENTIALS: "password"}
"""Per resource type, the output that must be listed in ``additional_secret_outputs``."""


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    output = SECRET_OUTPUTS.get(args.resource_type)
    if output is None:
        return
    declared = list(args.opts.additional_secret_outputs or []) if args.opts is not None else []
    if output not in declared:
        report_violation(
            f"{output} is not in additional_secret_outputs: its value would be stored in plain text in state",
            None,
        )


def _raw(props: Mapping[str, Any]) -> Mapping[str, Any]:
    """The mapping behind the SDK's secrets-preserving proxy, where secrets are still ``Secret``."""
    try:
        target = props["__target"]
    except KeyError:
        return props
    return target if isinstance(target, Mapping) else props


def remediate(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    if args.resource_type != WORKER_SCRIPT:
        return None
    raw = _raw(args.props)
    if SECRET_BINDINGS not in raw:
        return None
    value = raw[SECRET_BINDINGS]
    if isinstance(value, Secret):
        return None  # already secret: nothing to do, nothing reported
    remediated = dict(raw)
    remediated[SECRET_BINDINGS] = Secret(value)
    return remediated


policy = ResourceValidationPolicy(
    name=NAME,
    description="Worker secret bindings and registry passwords are Pulumi secrets, in inputs and in state.",
    enforcement_level=EnforcementLevel.REMEDIATE,
    validate=validate,
    # The SDK types remediations as async, but takes a plain mapping too (Remediate: "elif result
    # is not None: new_props = result").
    remediate=cast(ResourceRemediation, remediate),
)
