"""What ``bento-cf dev`` prints once the local Worker answers: URL, pattern, routes, where they go."""

from __future__ import annotations

from typing import Any

from bento_cf_component.dev.plan_inputs import DevTarget
from bento_cf_component.dev.secrets import DevSecrets
from bento_cf_component.worker.runtime_settings import ACCESS_TOKEN_BINDING

MANAGEMENT = "/metrics, /stats, /debug/…, /version, /endpoints, /streams…, /resources…, /bento/…"


def banner(
    target: DevTarget,
    *,
    stack: str,
    url: str,
    upstream: str,
    upstream_problem: str | None,
    secrets: DevSecrets,
    persist_dir: str | None,
) -> str:
    settings = target.settings
    bearer = (settings.get("access") or {}).get("mode") == "bearer"
    lines = [
        f"bento-cf dev: stack {stack}, component {target.component} (Worker {target.script_name}), "
        f"pattern {target.pattern}",
        f"  local Worker  {url}  (the real bundle in workerd, listening on 127.0.0.1 only)",
        f"  upstream      {upstream}  <- every container instance forwards here; "
        + (
            "it answers /ping"
            if upstream_problem is None
            else f"NOT answering yet ({upstream_problem}): start Bento there"
        ),
    ]
    for name, value in secrets.generated.items():
        # Printed as a command so the `try:` line below works once pasted into the shell.
        lines.append(f"  export {name}={value}  (generated for this run; set {name} yourself to choose it)")
    for name in secrets.bindings:
        if name not in secrets.generated and name not in secrets.placeholders:
            lines.append(f"  {name}: from the environment")
    if secrets.placeholders:
        lines.append(
            "  container secrets not in the environment (a placeholder is bound; your Bento reads "
            f"its own env): {', '.join(secrets.placeholders)}"
        )
    if persist_dir is not None:
        lines.append(f"  Durable Object state persists in {persist_dir}")
    lines.append("  routes:")
    lines += [f"    {method:<5} {path:<26} {what}" for method, path, what in _routes(target, bearer)]
    first = "after the export line above, " if bearer and ACCESS_TOKEN_BINDING in secrets.generated else ""
    lines.append(f"  try ({first}in another shell):  {_example(target, url, bearer)}")
    lines.append("  Ctrl-C stops.")
    return "\n".join(lines)


def _routes(target: DevTarget, bearer: bool) -> list[tuple[str, str, str]]:
    settings = target.settings
    auth = "token; " if bearer else ""
    input_path = str(settings["inputPath"])
    methods = ",".join(settings.get("inputMethods", ["POST"]))
    reply = "Bento's reply unchanged" if settings.get("responseMode") == "sync" else "202 once Bento accepted"
    instances = int((settings.get("instances") or {}).get("count", 1))
    routes = [("GET", "/ping", "the Worker's liveness; public, no container")]

    if target.pattern == "durable-object":
        tenant = settings["tenant"]
        note = _tenant_note(tenant)
        routes += [
            (
                methods,
                _tenant_path(tenant, input_path),
                f"{auth}{note} -> its Durable Object -> upstream {input_path}; {reply}",
            ),
            (
                "GET",
                _tenant_path(tenant, "/ready"),
                f"{auth}starts that tenant's instance, asks upstream /ready",
            ),
        ]
        if settings.get("wsPath"):
            ws_path = str(settings["wsPath"])
            routes.append(
                ("GET", _tenant_path(tenant, ws_path), f"{auth}WebSocket, proxied to upstream {ws_path}")
            )
        if settings.get("adminPath"):
            routes.append(("GET", f"{settings['adminPath']}[/<tenant>]", "admin token; per-tenant state"))
    else:
        target_instances = "instance-0" if instances == 1 else f"instance-0…{instances - 1}"
        routes.append(("GET", "/ready", f"{auth}starts an instance, asks upstream /ready"))
        if target.pattern == "queue":
            routes += _queue_routes(target, auth, input_path)
        else:
            routes.append(
                (methods, input_path, f"{auth}-> {target_instances} -> upstream {input_path}; {reply}")
            )
    routes.append(
        ("any", "/metrics, /debug/…", f"404: Bento's management API is never reachable ({MANAGEMENT})")
    )
    return routes


def _tenant_path(tenant: dict[str, Any], bento_path: str) -> str:
    """The path a client calls so that the tenant's Bento sees ``bento_path``."""
    return f"{tenant['pathPrefix']}/<tenant>{bento_path}" if tenant["source"] == "path" else bento_path


def _tenant_note(tenant: dict[str, Any]) -> str:
    if tenant["source"] == "path":
        return "tenant from the path"
    if tenant["source"] == "header":
        return f"tenant from header {tenant['header']}"
    label = int(tenant.get("hostnameLabel", 0))
    return f"tenant from the hostname ({'<tenant>.localhost' if label == 0 else f'host label {label}'})"


def _queue_routes(target: DevTarget, auth: str, input_path: str) -> list[tuple[str, str, str]]:
    settings = target.settings
    queue = target.queue
    ingest = str(settings["queue"]["ingestPath"])
    routes: list[tuple[str, str, str]] = []
    if queue is not None:
        dead_letter = (
            f"; past {queue.max_retries} retries -> {queue.dead_letter_queue}"
            if queue.dead_letter_queue
            else ""
        )
        routes.append(
            (
                "POST",
                ingest,
                f"{auth}-> local queue {queue.name} -> queue() batches of <= {queue.max_batch_size} "
                f"(<= {queue.max_batch_timeout_s:g} s) -> upstream {input_path} as one multipart POST"
                f"{dead_letter}",
            )
        )
    schedule = settings.get("schedule")
    if schedule:
        routes.append(
            (
                "GET",
                "/cdn-cgi/handler/scheduled",
                f"runs the cron handler now -> upstream {schedule['path']} (no timer locally)",
            )
        )
    return routes


def _example(target: DevTarget, url: str, bearer: bool) -> str:
    settings = target.settings
    base = url.rstrip("/")
    auth = f'-H "Authorization: Bearer ${ACCESS_TOKEN_BINDING}" ' if bearer else ""
    path = str(settings["inputPath"])
    if target.pattern == "queue":
        path = str(settings["queue"]["ingestPath"])
    elif target.pattern == "durable-object":
        tenant = settings["tenant"]
        if tenant["source"] == "path":
            path = f"{tenant['pathPrefix']}/acme{path}"
        elif tenant["source"] == "header":
            auth += f'-H "{tenant["header"]}: acme" '
        elif int(tenant.get("hostnameLabel", 0)) == 0:
            base = base.replace("//127.0.0.1", "//acme.localhost", 1)
    body = "-H 'content-type: application/json' -d '{\"hello\":\"world\"}'"
    return f"curl {auth}{body} {base}{path}"
