"""``image-pinned-by-digest``: the container application runs ``repo@sha256:<64 hex>``.

A tag (``:latest``, even ``:1.20.0``) can move under a running application: the next cold start
pulls different code, and Pulumi sees no change to redeploy. A digest names one image forever.
"""

from __future__ import annotations

import re

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from bento_cf_policy.resources import CONTAINER_APPLICATION, IMAGE

NAME = "image-pinned-by-digest"
DIGEST_REF = re.compile(r"^[^\s@]+@sha256:[0-9a-f]{64}$")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CONTAINER_APPLICATION:
        return
    image = args.props.get(IMAGE)  # unknown during preview → the SDK skips this policy
    if not isinstance(image, str) or not DIGEST_REF.match(image):
        report_violation(
            f"container application image {image!r} is not pinned by digest: "
            "use repo@sha256:<64 hex digits> (bento-cf builds one; image.ref must be one)",
            None,
        )


policy = ResourceValidationPolicy(
    name=NAME,
    description="The container application's image is pinned by digest (repo@sha256:...), never a tag.",
    enforcement_level=EnforcementLevel.MANDATORY,
    validate=validate,
)
