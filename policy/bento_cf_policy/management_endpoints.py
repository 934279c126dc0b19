"""``management-endpoints-private``: the Worker never forwards Bento's management API.

Bento serves its management endpoints on the same HTTP server as the ``http_server`` input:
``/metrics``, ``/stats``, ``/version``, ``/endpoints``, ``/debug/*`` (config dumps, pprof), the
streams API and the ``/ping``/``/ready`` probes, each also under the default ``/bento`` root path.
The Worker forwards only requests that match the runtime settings' ``inputPath``, so the rule is:
no management path may match ``inputPath``.

Matching mirrors the Worker (``worker/src/routing.js`` ``compileInputPath``): the path matches
exactly; ``{name}`` matches one segment and ``{name:regex}`` that regex; a path ending in ``/``
matches everything below it. So ``/``, ``/{any}`` and ``/debug/`` are all refused.
"""

from __future__ import annotations

import re

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from bento_cf_policy.resources import WORKER_SCRIPT, BadSettings, worker_settings

NAME = "management-endpoints-private"

_MANAGEMENT = (
    "/metrics",
    "/stats",
    "/version",
    "/endpoints",
    "/debug",
    "/debug/config/json",
    "/debug/config/yaml",
    "/debug/pprof/heap",
    "/debug/stack",
    "/streams",
    "/streams/example",
    "/resources/cache/example",
    "/ping",
    "/ready",
)
MANAGEMENT_PATHS = _MANAGEMENT + tuple(f"/bento{path}" for path in _MANAGEMENT)
"""Concrete management URLs; ``/bento`` is Bento's default ``http.root_path``."""

_VARIABLE = re.compile(r"\{([^{}:]+)(?::([^{}]+))?\}")


def compile_input_path(input_path: str) -> re.Pattern[str]:
    """The Worker's matcher for ``inputPath``, in Python."""
    source = ""
    last = 0
    for match in _VARIABLE.finditer(input_path):
        source += re.escape(input_path[last : match.start()])
        source += "[^/]+" if match.group(2) is None else f"(?:{match.group(2)})"
        last = match.end()
    source += re.escape(input_path[last:])
    return re.compile(f"^{source}" + ("" if input_path.endswith("/") else "$"))


def exposed_paths(input_path: str) -> list[str]:
    """The management paths a request to the Worker would reach through ``input_path``."""
    try:
        matcher = compile_input_path(input_path)
    except re.error:
        # A regex Python cannot compile: treat as matching everything rather than pass silently.
        return list(MANAGEMENT_PATHS)
    return [path for path in MANAGEMENT_PATHS if matcher.match(path)]


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != WORKER_SCRIPT:
        return
    try:
        settings = worker_settings(args.props)  # unknown during preview → the SDK skips this policy
    except BadSettings as error:
        report_violation(f"cannot check the Worker's routes: {error}", None)
        return
    input_path = settings.get("inputPath")
    if not isinstance(input_path, str) or not input_path.startswith("/"):
        report_violation(f"the Worker's inputPath {input_path!r} is not a path starting with /", None)
        return
    exposed = exposed_paths(input_path)
    if exposed:
        shown = ", ".join(exposed[:5]) + (" …" if len(exposed) > 5 else "")
        report_violation(
            f"the Worker's public route {input_path!r} reaches Bento's management endpoints ({shown}); "
            "give the http_server input its own path such as /post",
            None,
        )


policy = ResourceValidationPolicy(
    name=NAME,
    description="The Worker's public route never reaches Bento's management endpoints (/metrics, /debug…).",
    enforcement_level=EnforcementLevel.MANDATORY,
    validate=validate,
)
