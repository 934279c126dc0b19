"""A small, stateful stand-in for the Cloudflare API endpoints bento-cf's providers call.

Started on 127.0.0.1 (random port) by the ``emulator`` fixture; the SDK reaches it through
``CLOUDFLARE_BASE_URL``. It answers with Cloudflare's envelope and records every request
(method, path, query, parsed body) so tests can assert on what was — and was not — sent.

Error answers and where their codes come from (see docs/cloudflare.md, "Error codes"):

* ``1607 DURABLE_OBJECT_NOT_CONTAINER_ENABLED`` — application for a class uploaded without
  ``containers`` (reference §3.1; code and 400 as reported by projects that met it).
* ``1608 DURABLE_OBJECT_ALREADY_HAS_APPLICATION`` — second application for a namespace (reference
  §3.1, code per distilled-cloudflare); ``legacy_error_dialect`` switches to the older form,
  code 1000 with a JSON-encoded message naming the existing application (Alchemy v1).
* ``1609 Container application not found`` (reference §3.1), HTTP 404.
* ``10079`` "Actor migration tag precondition failed, got tag '…' when expected tag is '…'", HTTP
  412 — an upload whose ``old_tag`` is not the live tag (workers-sdk#705 for the code; the message
  and the 412 as recorded by public projects that met it).
* ``10061`` "Cannot create binding for class … not currently configured to implement Durable
  Objects" — a bound class no migration created (workers-sdk#10246).
* ``10074`` "Cannot apply new-sqlite-class migration to class … already depended on by existing
  Durable Objects" — a migration re-creating a live class (public projects' deploy logs).
* ``VALIDATE_INPUT`` as a bare ``{"error": "VALIDATE_INPUT"}`` body, HTTP 400 — an application the
  API refuses for input/limit reasons (workers-sdk#9846): here an unknown instance type or
  ``max_instances`` above ``max_instances_limit``.
* Queues: see queues.py.
* ``10007`` Worker not found, ``10000`` authentication error (401/403), ``7003`` no route.
* Faults injected by tests: 429 with ``Retry-After``, 5xx.
* Code ``0`` with an ``emulator:`` message marks a request that breaks the API contract as the
  SDK types describe it — reaching one is a bug in the provider, not a Cloudflare behaviour.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from emulator.failure import ApiFailure
from emulator.queues import QueuesEmulator, QueueState

API_PREFIX = "/client/v4"
SCRIPTS = "scripts"
CONTAINERS = "containers"
QUEUES = "queues"
ALL_SCOPES = frozenset({SCRIPTS, CONTAINERS, QUEUES})
STEP_PERCENTAGES = {5, 10, 20, 25, 50, 100}
INSTANCE_TYPES = {"lite", "basic", "standard-1", "standard-2", "standard-3", "standard-4"}
NOW = "2026-10-01T00:00:00Z"


@dataclass
class Recorded:
    """One request as the emulator saw it (the Authorization header is never kept)."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int = 0


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    code: int | None
    message: str
    headers: dict[str, str]
    remaining: int
    bare: bool = False


@dataclass
class Script:
    name: str
    modules: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    bindings: list[dict[str, Any]] = field(default_factory=list)
    migration_tag: str | None = None
    classes: dict[str, bool] = field(default_factory=dict)  # class -> uses sqlite
    containers: set[str] = field(default_factory=set)
    etag: str = ""
    deployment_id: str = ""


@dataclass
class Namespace:
    id: str
    class_name: str
    script: str
    use_sqlite: bool
    hidden_for: int = 0  # list calls for which this namespace is not visible yet


class CloudflareEmulator(QueuesEmulator):
    """State + HTTP server. Use ``start()``/``stop()`` (the pytest fixture does)."""

    def __init__(self, token: str = "test-token") -> None:
        self.token = token
        self.tokens: dict[str, frozenset[str]] = {token: ALL_SCOPES}
        self.requests: list[Recorded] = []
        self.scripts: dict[str, Script] = {}
        self.namespaces: dict[str, Namespace] = {}
        self.applications: dict[str, dict[str, Any]] = {}
        self.rollouts: list[dict[str, Any]] = []
        self._app_hidden: dict[str, int] = {}  # application id -> list calls it stays invisible for
        self.subdomain: str | None = "bento-test"
        self.queues: dict[str, QueueState] = {}
        self.max_instances_limit = 100
        """Above this, create answers VALIDATE_INPUT ("input/limits reasons", workers-sdk#9846)."""
        self.namespace_hidden_lists = 0
        """How many namespace-list calls a freshly created namespace stays invisible for."""
        self.legacy_error_dialect = False
        self._faults: list[Fault] = []
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> None:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "emulator not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}{API_PREFIX}"

    # ----------------------------------------------------------------- test helpers
    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int,
        code: int | None,
        message: str,
        times: int = 1,
        headers: dict[str, str] | None = None,
        bare: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests (path regex, searched) with this error."""
        with self._lock:
            self._faults.append(
                Fault(method, re.compile(path), status, code, message, headers or {}, times, bare)
            )

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """Recorded requests, filtered by method and a path regex (searched)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (path is None or re.search(path, r.path))
            ]

    def clear_calls(self) -> None:
        with self._lock:
            self.requests.clear()

    def uploads(self) -> list[dict[str, Any]]:
        """The ``metadata`` part of every script upload, in order."""
        return [r.body["metadata"] for r in self.calls("PUT", r"/workers/scripts/[^/]+$")]

    def seed_script(
        self,
        name: str,
        *,
        class_name: str = "BentoContainer",
        migration_tag: str | None = "v1",
        container_enabled: bool = True,
        bindings: list[dict[str, Any]] | None = None,
    ) -> Namespace:
        """A script deployed by another tool (wrangler): class created, tag set, bindings live."""
        with self._lock:
            script = Script(name=name, migration_tag=migration_tag, classes={class_name: True})
            script.containers = {class_name} if container_enabled else set()
            script.bindings = list(bindings or [])
            script.etag = "seeded"
            self.scripts[name] = script
            return self._new_namespace(name, class_name, use_sqlite=True, hidden_for=0)

    def seed_application(
        self, *, name: str, namespace_id: str, hidden_for_lists: int = 0, **overrides: Any
    ) -> dict[str, Any]:
        """An application created outside Pulumi (wrangler, an earlier interrupted run).

        ``hidden_for_lists``: the list endpoint is eventually consistent; a just-created application
        can be missing from the next few lists while create already refuses a second one.
        """
        with self._lock:
            app = self._application(
                {
                    "name": name,
                    "scheduling_policy": "default",
                    "instances": 0,
                    "max_instances": overrides.pop("max_instances", 20),
                    "configuration": overrides.pop(
                        "configuration",
                        {
                            "image": "registry.cloudflare.com/acct/old@sha256:" + "0" * 64,
                            "instance_type": "lite",
                            "observability": {"logs": {"enabled": True}},
                        },
                    ),
                    "durable_objects": {"namespace_id": namespace_id},
                    **overrides,
                }
            )
            self.applications[app["id"]] = app
            self._app_hidden[app["id"]] = hidden_for_lists
            return app

    def namespace_for(self, script: str, class_name: str = "BentoContainer") -> Namespace | None:
        return next(
            (n for n in self.namespaces.values() if n.script == script and n.class_name == class_name), None
        )

    # ----------------------------------------------------------------- dispatch
    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        split = urlsplit(raw_path)
        path = split.path[len(API_PREFIX) :] if split.path.startswith(API_PREFIX) else split.path
        query = parse_qs(split.query)
        record = Recorded(method, path, query, _parse_body(headers, body))
        with self._lock:
            self.requests.append(record)
            try:
                result = self._dispatch(method, path, query, headers, record.body)
                record.status = 200
                return 200, _envelope(result), {}
            except ApiFailure as failure:
                record.status = failure.status
                payload = {"error": str(failure)} if failure.bare else _failure_envelope(failure.errors)
                return failure.status, payload, failure.headers

    def _dispatch(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: Any
    ) -> Any:
        route = self._route(method, path)
        if route is None:
            raise ApiFailure(
                404, 7003, f"Could not route to {path}, perhaps your object identifier is invalid?"
            )
        scope, handler, params = route
        self._authorize(headers, scope)
        self._inject_fault(method, path)
        return handler(params, query, body)

    def _route(self, method: str, path: str) -> tuple[str, Callable[..., Any], dict[str, str]] | None:
        acct = r"^/accounts/(?P<account>[^/]+)"
        consumer = r"/queues/(?P<queue>[^/]+)/consumers/(?P<consumer>[^/]+)$"
        routes: list[tuple[str, str, str, Callable[..., Any]]] = [
            ("GET", acct + r"/workers/scripts$", SCRIPTS, self._list_scripts),
            ("PUT", acct + r"/workers/scripts/(?P<script>[^/]+)$", SCRIPTS, self._upload_script),
            ("DELETE", acct + r"/workers/scripts/(?P<script>[^/]+)$", SCRIPTS, self._delete_script),
            ("GET", acct + r"/workers/durable_objects/namespaces$", SCRIPTS, self._list_namespaces),
            ("GET", acct + r"/workers/subdomain$", SCRIPTS, self._get_subdomain),
            ("GET", acct + r"/containers/applications$", CONTAINERS, self._list_applications),
            ("POST", acct + r"/containers/applications$", CONTAINERS, self._create_application),
            ("GET", acct + r"/containers/applications/(?P<app>[^/]+)$", CONTAINERS, self._get_application),
            ("PATCH", acct + r"/containers/applications/(?P<app>[^/]+)$", CONTAINERS, self._edit_application),
            (
                "DELETE",
                acct + r"/containers/applications/(?P<app>[^/]+)$",
                CONTAINERS,
                self._delete_application,
            ),
            (
                "POST",
                acct + r"/containers/applications/(?P<app>[^/]+)/rollouts$",
                CONTAINERS,
                self._create_rollout,
            ),
            (
                "POST",
                acct + r"/containers/registries/(?P<domain>[^/]+)/credentials$",
                CONTAINERS,
                self._registry_credentials,
            ),
            ("GET", acct + r"/queues$", QUEUES, self._list_queues),
            ("GET", acct + r"/queues/(?P<queue>[^/]+)$", QUEUES, self._get_queue),
            ("GET", acct + r"/queues/(?P<queue>[^/]+)/consumers$", QUEUES, self._list_consumers),
            ("POST", acct + r"/queues/(?P<queue>[^/]+)/consumers$", QUEUES, self._create_consumer),
            ("GET", acct + consumer, QUEUES, self._get_consumer),
            ("PUT", acct + consumer, QUEUES, self._update_consumer),
            ("DELETE", acct + consumer, QUEUES, self._delete_consumer),
        ]
        for route_method, pattern, scope, handler in routes:
            match = re.match(pattern, path)
            if route_method == method and match:
                return scope, handler, match.groupdict()
        return None

    def _authorize(self, headers: dict[str, str], scope: str) -> None:
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        if token is None or token not in self.tokens:
            raise ApiFailure(401, 10000, "Authentication error")
        if scope not in self.tokens[token]:
            raise ApiFailure(403, 10000, "Authentication error")

    def _inject_fault(self, method: str, path: str) -> None:
        for fault in self._faults:
            if fault.remaining > 0 and fault.method == method and fault.path.search(path):
                fault.remaining -= 1
                raise ApiFailure(
                    fault.status, fault.code, fault.message, dict(fault.headers), bare=fault.bare
                )

    # ----------------------------------------------------------------- workers
    def _list_scripts(self, _p: dict[str, str], _q: Any, _b: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": s.name,
                "etag": s.etag,
                "migration_tag": s.migration_tag,
                "has_modules": True,
                "created_on": NOW,
                "modified_on": NOW,
            }
            for s in self.scripts.values()
        ]

    def _upload_script(self, params: dict[str, str], _q: Any, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or "metadata" not in body:
            raise ApiFailure(400, 0, "emulator: expected a multipart upload with a 'metadata' part")
        metadata: dict[str, Any] = body["metadata"]
        parts: dict[str, dict[str, Any]] = body["parts"]
        name = params["script"]
        main_module = metadata.get("main_module")
        module = next((p for p in parts.values() if p.get("filename") == main_module), None)
        if not main_module or module is None:
            raise ApiFailure(400, 0, "emulator: metadata.main_module must name an uploaded module part")
        if module.get("content_type") != "application/javascript+module":
            raise ApiFailure(
                400, 0, "emulator: the main module must be sent as application/javascript+module"
            )

        old = self.scripts.get(name)
        classes, new_tag = _apply_migrations(old, metadata.get("migrations"))
        bindings = list(metadata.get("bindings", []))
        names = {b.get("name") for b in bindings}
        for kept in metadata.get("keep_bindings", []):
            for binding in old.bindings if old else []:
                if binding.get("type") == kept and binding.get("name") not in names:
                    bindings.append(binding)
        for binding in bindings:
            local_class = binding.get("type") == "durable_object_namespace" and not binding.get("script_name")
            if local_class and binding.get("class_name") not in classes:
                raise ApiFailure(400, 10061, _unbound_class_message(binding.get("class_name")))
        containers = {c.get("class_name") for c in metadata.get("containers", [])}
        for class_name in containers:
            if class_name not in classes:
                raise ApiFailure(
                    400,
                    0,
                    f"emulator: containers can only be attached to Durable Object classes of this Worker "
                    f"script ({class_name} is not one)",
                )

        # Commit.
        script = old or Script(name=name)
        script.modules = {p["filename"]: p["text"] for p in parts.values() if p.get("filename")}
        script.metadata = metadata
        script.bindings = bindings
        script.migration_tag = new_tag
        for class_name, sqlite in classes.items():
            if class_name not in script.classes:
                self._new_namespace(
                    name, class_name, use_sqlite=sqlite, hidden_for=self.namespace_hidden_lists
                )
        script.classes = classes
        script.containers = {c for c in containers if isinstance(c, str)}
        script.etag = hashlib.sha256(module["text"].encode()).hexdigest()
        script.deployment_id = str(uuid.uuid4())
        self.scripts[name] = script
        return {
            "id": name,
            "etag": script.etag,
            "migration_tag": script.migration_tag,
            "deployment_id": script.deployment_id,
            "startup_time_ms": 7,
            "has_modules": True,
            "compatibility_date": metadata.get("compatibility_date"),
            "created_on": NOW,
            "modified_on": NOW,
        }

    def _delete_script(self, params: dict[str, str], _q: Any, _b: Any) -> None:
        name = params["script"]
        if name not in self.scripts:
            raise ApiFailure(404, 10007, "This Worker does not exist on your account.")
        del self.scripts[name]
        for ns_id in [n.id for n in self.namespaces.values() if n.script == name]:
            del self.namespaces[ns_id]
        return None

    def _new_namespace(self, script: str, class_name: str, *, use_sqlite: bool, hidden_for: int) -> Namespace:
        namespace = Namespace(secrets.token_hex(16), class_name, script, use_sqlite, hidden_for)
        self.namespaces[namespace.id] = namespace
        return namespace

    def _list_namespaces(self, _p: dict[str, str], query: dict[str, list[str]], _b: Any) -> dict[str, Any]:
        visible = []
        for namespace in self.namespaces.values():
            if namespace.hidden_for > 0:
                namespace.hidden_for -= 1
                continue
            visible.append(
                {
                    "id": namespace.id,
                    "name": f"{namespace.script}_{namespace.class_name}",
                    "script": namespace.script,
                    "class": namespace.class_name,
                    "use_sqlite": namespace.use_sqlite,
                }
            )
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["20"])[0])
        chunk = visible[(page - 1) * per_page : page * per_page]
        return {"__page__": chunk, "result_info": {"page": page, "per_page": per_page, "count": len(chunk)}}

    def _get_subdomain(self, _p: dict[str, str], _q: Any, _b: Any) -> dict[str, Any]:
        if not self.subdomain:
            raise ApiFailure(404, 0, "emulator: this account has no workers.dev subdomain")
        return {"subdomain": self.subdomain}

    # ----------------------------------------------------------------- containers
    def _application(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "account_id": "acct",
            "created_at": NOW,
            "updated_at": NOW,
            "version": 1,
            "health": {"errors": [], "instances": {"active": 0, "assigned": 0}},
            **body,
        }

    def _list_applications(self, _p: dict[str, str], query: dict[str, list[str]], _b: Any) -> dict[str, Any]:
        apps = []
        for app in self.applications.values():
            if self._app_hidden.get(app["id"], 0) > 0:
                self._app_hidden[app["id"]] -= 1
                continue
            apps.append(app)
        if "name" in query:
            apps = [a for a in apps if a.get("name") == query["name"][0]]
        return {"__page__": apps, "result_info": {"next_page_token": None}}

    def _create_application(self, _p: dict[str, str], _q: Any, body: Any) -> dict[str, Any]:
        required = ("name", "scheduling_policy", "instances", "max_instances", "configuration")
        missing = [k for k in required if not isinstance(body, dict) or k not in body]
        if missing or not body["configuration"].get("image"):
            raise ApiFailure(
                400, 0, f"emulator: create application needs {', '.join(missing) or 'configuration.image'}"
            )
        if body["scheduling_policy"] != "default":
            raise ApiFailure(400, 0, "emulator: only scheduling_policy 'default' is emulated")
        instance_type = body["configuration"].get("instance_type")
        if instance_type is not None and instance_type not in INSTANCE_TYPES:
            raise ApiFailure(400, None, "VALIDATE_INPUT", bare=True)
        if not isinstance(body["max_instances"], int) or body["max_instances"] > self.max_instances_limit:
            raise ApiFailure(400, None, "VALIDATE_INPUT", bare=True)
        namespace_id = (body.get("durable_objects") or {}).get("namespace_id")
        if namespace_id is not None:
            namespace = self.namespaces.get(namespace_id)
            if namespace is None:
                raise ApiFailure(400, 1000, json.dumps({"error": "DURABLE_OBJECT_NOT_FOUND"}))
            holder = next(
                (
                    a
                    for a in self.applications.values()
                    if (a.get("durable_objects") or {}).get("namespace_id") == namespace_id
                ),
                None,
            )
            if holder is not None:
                if self.legacy_error_dialect:
                    detail = {"name": holder["name"], "id": holder["id"]}
                    message = json.dumps(
                        {"error": "DURABLE_OBJECT_ALREADY_HAS_APPLICATION", "details": detail}
                    )
                    raise ApiFailure(400, 1000, message)
                raise ApiFailure(400, 1608, "DURABLE_OBJECT_ALREADY_HAS_APPLICATION")
            script = self.scripts.get(namespace.script)
            if script is None or namespace.class_name not in script.containers:
                raise ApiFailure(400, 1607, "DURABLE_OBJECT_NOT_CONTAINER_ENABLED")
        app = self._application(dict(body))
        self.applications[app["id"]] = app
        return app

    def _app(self, app_id: str) -> dict[str, Any]:
        app = self.applications.get(app_id)
        if app is None:
            raise ApiFailure(404, 1609, "Container application not found")
        return app

    def _get_application(self, params: dict[str, str], _q: Any, _b: Any) -> dict[str, Any]:
        return self._app(params["app"])

    def _edit_application(self, params: dict[str, str], _q: Any, body: Any) -> dict[str, Any]:
        app = self._app(params["app"])
        allowed = {
            "configuration",
            "constraints",
            "max_instances",
            "observability",
            "rollout_active_grace_period",
        }
        unknown = set(body) - allowed
        if unknown:
            raise ApiFailure(400, 0, f"emulator: fields {sorted(unknown)} cannot be modified")
        for key, value in body.items():
            if key == "configuration":
                app["configuration"] = {**app["configuration"], **value}
            else:
                app[key] = value
        app["version"] += 1
        return app

    def _delete_application(self, params: dict[str, str], _q: Any, _b: Any) -> dict[str, Any]:
        self._app(params["app"])
        del self.applications[params["app"]]
        return {"message": "deletion started"}

    def _create_rollout(self, params: dict[str, str], _q: Any, body: Any) -> dict[str, Any]:
        app = self._app(params["app"])
        if body.get("strategy") != "rolling":
            raise ApiFailure(400, 0, "emulator: only the rolling strategy is emulated")
        if body.get("kind", "full_auto") not in ("full_auto", "full_manual"):
            raise ApiFailure(400, 0, f"emulator: unknown rollout kind {body.get('kind')!r}")
        if "step_percentage" in body and body["step_percentage"] not in STEP_PERCENTAGES:
            raise ApiFailure(400, 0, f"emulator: step_percentage must be one of {sorted(STEP_PERCENTAGES)}")
        if not body.get("description") or not isinstance(body.get("target_configuration"), dict):
            raise ApiFailure(400, 0, "emulator: a rollout needs description and target_configuration")
        current = dict(app["configuration"])
        app["configuration"] = {**current, **body["target_configuration"]}
        app["version"] += 1
        rollout = {
            "id": str(uuid.uuid4()),
            "created_at": NOW,
            "last_updated_at": NOW,
            "description": body["description"],
            "kind": body.get("kind", "full_auto"),
            "strategy": "rolling",
            "status": "progressing",
            "current_configuration": current,
            "target_configuration": body["target_configuration"],
            "current_version": app["version"] - 1,
            "target_version": app["version"],
            "health": {"errors": [], "instances": {"active": 0, "assigned": 0}},
            "application_id": app["id"],
        }
        app["active_rollout_id"] = rollout["id"]
        self.rollouts.append(rollout)
        return rollout

    def _registry_credentials(self, params: dict[str, str], _q: Any, body: Any) -> dict[str, Any]:
        if params["domain"] != "registry.cloudflare.com":
            raise ApiFailure(
                404, 0, "emulator: registry does not exist (only registry.cloudflare.com is emulated)"
            )
        permissions = body.get("permissions") if isinstance(body, dict) else None
        minutes = body.get("expiration_minutes") if isinstance(body, dict) else None
        if (
            not permissions
            or not set(permissions) <= {"pull", "push"}
            or not isinstance(minutes, int)
            or minutes < 1
        ):
            raise ApiFailure(
                400, 0, "emulator: managed registry credentials need permissions and expiration_minutes"
            )
        return {
            "account_id": params["account"],
            "registry_host": params["domain"],
            "username": "v1",
            "password": "regpass-" + secrets.token_hex(12),
        }


def _apply_migrations(old: Script | None, migrations: Any) -> tuple[dict[str, bool], str | None]:
    """The script's classes and tag after this upload's migrations (rejected as Cloudflare does)."""
    current_tag = old.migration_tag if old else None
    classes = dict(old.classes) if old else {}
    if migrations is None:
        return classes, current_tag
    old_tag = migrations.get("old_tag")
    if (old_tag or None) != current_tag:
        raise ApiFailure(
            412,
            10079,
            f"Actor migration tag precondition failed, got tag '{old_tag or ''}' when expected tag is "
            f"'{current_tag or ''}'. Please make sure the tags match and try again.",
        )
    steps = migrations.get("steps")
    if steps is None:  # single-step form
        steps = [{k: v for k, v in migrations.items() if k not in ("old_tag", "new_tag")}]
    for step in steps:
        unsupported = set(step) - {"new_sqlite_classes", "new_classes"}
        if unsupported:
            raise ApiFailure(400, 0, f"emulator: migration steps {sorted(unsupported)} are not emulated")
        for kind, sqlite in (("new_sqlite_classes", True), ("new_classes", False)):
            for class_name in step.get(kind, []):
                if class_name in classes:
                    flag = "new-sqlite-class" if sqlite else "new-class"
                    raise ApiFailure(
                        400,
                        10074,
                        f"Cannot apply {flag} migration to class '{class_name}' that is already depended "
                        "on by existing Durable Objects",
                    )
                classes[class_name] = sqlite
    return classes, migrations.get("new_tag")


def _unbound_class_message(class_name: object) -> str:
    return (
        f"Cannot create binding for class '{class_name}' because it is not currently configured to "
        "implement Durable Objects. Configure a migration in your configuration to add this class."
    )


def _envelope(result: Any) -> dict[str, Any]:
    if isinstance(result, dict) and "__page__" in result:
        return {
            "success": True,
            "errors": [],
            "messages": [],
            "result": result["__page__"],
            "result_info": result["result_info"],
        }
    return {"success": True, "errors": [], "messages": [], "result": result}


def _failure_envelope(errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"success": False, "errors": errors, "messages": [], "result": None}


def _parse_body(headers: dict[str, str], body: bytes) -> Any:
    content_type = headers.get("content-type", "")
    if not body:
        return None
    if content_type.startswith("multipart/form-data"):
        return _parse_multipart(content_type, body)
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    parts: dict[str, dict[str, Any]] = {}
    metadata: Any = None
    for index, part in enumerate(message.iter_parts()):
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        text = payload.decode() if isinstance(payload, bytes) else ""
        if name == "metadata":
            metadata = json.loads(text)
            continue
        parts[f"{name}#{index}"] = {
            "name": name,
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "text": text,
        }
    return {"metadata": metadata, "parts": parts}


def _make_handler(emulator: CloudflareEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload, extra_headers = emulator.handle(self.command, self.path, headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra_headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
