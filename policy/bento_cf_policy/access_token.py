"""``access-token-required``: a Worker that asks for a bearer token has one to compare against.

The Worker's runtime settings say ``access.mode``: ``bearer`` (clients must send
``Authorization: Bearer <token>``) or ``public`` (explicitly open). In ``bearer`` mode the token
is the ``BENTO_CF_ACCESS_TOKEN`` secret binding; without it every request would be refused, and
a Worker that is public by accident is worse. Anything other than these two modes is refused.

Values are read through the SDK's proxies: secrets arrive unwrapped (their secretness is checked
by ``secrets-marked-secret``), unknown values raise ``UnknownValueError`` so a preview that
cannot know them skips the policy instead of reporting a false violation.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from bento_cf_policy.resources import (
    ACCESS_TOKEN_BINDING,
    SECRET_BINDINGS,
    WORKER_SCRIPT,
    BadSettings,
    worker_settings,
)

NAME = "access-token-required"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != WORKER_SCRIPT:
        return
    try:
        settings = worker_settings(args.props)
    except BadSettings as error:
        report_violation(f"cannot tell how the Worker controls access: {error}", None)
        return
    access = settings.get("access")
    mode = access.get("mode") if isinstance(access, Mapping) else None
    if mode == "public":
        return  # explicitly public (access.public: true)
    if mode != "bearer":
        report_violation(f"the Worker's access.mode is {mode!r}: it must be 'bearer' or 'public'", None)
        return
    bindings = args.props.get(SECRET_BINDINGS)  # unknown during preview → the SDK skips this policy
    # Iterate names only: reading a value that is still unknown would stop the whole check.
    names = list(bindings) if isinstance(bindings, Mapping) else []
    if ACCESS_TOKEN_BINDING not in names:
        report_violation(
            f"the Worker requires a bearer token but has no {ACCESS_TOKEN_BINDING} secret binding: "
            "pulumi config set --secret bento-cf:access_token <token> (or set access.public: true)",
            None,
        )


policy = ResourceValidationPolicy(
    name=NAME,
    description="A Worker in bearer mode carries its BENTO_CF_ACCESS_TOKEN secret; public only if explicit.",
    enforcement_level=EnforcementLevel.MANDATORY,
    validate=validate,
)
