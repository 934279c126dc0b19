"""``max-instances-set``: the container application has an explicit ``max_instances`` ≥ 1.

Left to the platform default, the ceiling is learnt from a 503 in production; zero means the
application can never start a container.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from bento_cf_policy.resources import CONTAINER_APPLICATION, MAX_INSTANCES

NAME = "max-instances-set"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CONTAINER_APPLICATION:
        return
    value = args.props.get(MAX_INSTANCES)  # unknown during preview → the SDK skips this policy
    if value is None:
        report_violation(f"{MAX_INSTANCES} is not set: set container.max_instances (at least 1)", None)
        return
    # Numbers arrive as floats over the wire; bools are not counts.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        report_violation(f"{MAX_INSTANCES} must be a whole number, got {value!r}", None)
        return
    if value < 1:
        report_violation(f"{MAX_INSTANCES} is {int(value)}: it must be at least 1", None)


policy = ResourceValidationPolicy(
    name=NAME,
    description="The container application sets max_instances explicitly, at least 1.",
    enforcement_level=EnforcementLevel.MANDATORY,
    validate=validate,
)
