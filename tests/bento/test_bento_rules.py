"""The Cloudflare rules, one broken config each, with the exact one-line message users see."""

from __future__ import annotations

import pytest

from bento_cf_component.bento import BentoCheckResult, Pattern, check_bento_config

ORIGIN = "examples/x/bento.yaml"

GOOD = """\
http:
  address: 0.0.0.0:${PORT:4195}
input:
  http_server:
    path: /post
pipeline:
  processors:
    - mapping: |
        root = this
        root.processed = true
output:
  sync_response: {}
"""


def check(
    text: str, pattern: Pattern = "request", declared: frozenset[str] = frozenset()
) -> BentoCheckResult:
    return check_bento_config(text, origin=ORIGIN, pattern=pattern, declared_env=declared)


def only_problem(text: str, pattern: Pattern = "request", declared: frozenset[str] = frozenset()) -> str:
    result = check(text, pattern, declared)
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return str(result.problems[0])


def test_good_request_config_gives_the_deploy_facts() -> None:
    result = check(GOOD)
    assert result.ok and result.problems == () and result.warnings == ()
    assert (result.port, result.input_path, result.input_methods) == (4195, "/post", ("POST",))
    assert (result.ws_path, result.response_mode, result.mappings_checked) == ("/post/ws", "sync", 1)
    assert result.config["output"] == {"sync_response": {}}


BROKEN = {
    "loopback host": (
        GOOD.replace("0.0.0.0:${PORT:4195}", "127.0.0.1:4195"),
        'examples/x/bento.yaml:2:12: http.address: "127.0.0.1:4195" is loopback, reachable only from '
        "inside the container — listen on every interface: 0.0.0.0:4195",
    ),
    "other host": (
        GOOD.replace("0.0.0.0:${PORT:4195}", "10.0.0.5:8080"),
        'examples/x/bento.yaml:2:12: http.address: "10.0.0.5:8080" binds one interface; the container '
        "runtime connects from outside on any — listen on every interface: 0.0.0.0:8080",
    ),
    "no port": (
        GOOD.replace("0.0.0.0:${PORT:4195}", "0.0.0.0"),
        'examples/x/bento.yaml:2:12: http.address: "0.0.0.0" is not host:port with a port between 1 and '
        "65535 — use 0.0.0.0:<port>, e.g. 0.0.0.0:4195",
    ),
    "http disabled": (
        GOOD.replace("http:\n", "http:\n  enabled: false\n"),
        "examples/x/bento.yaml:2:12: http.enabled: the HTTP server is disabled, so the http_server input, "
        "/ping and /ready never listen — remove `enabled: false` (the Worker reaches Bento only through "
        "this server)",
    ),
    "basic auth": (
        GOOD.replace("http:\n", "http:\n  basic_auth:\n    enabled: true\n"),
        "examples/x/bento.yaml:3:14: http.basic_auth.enabled: basic auth wraps every endpoint, so the "
        "container's /ping and /ready probes would need credentials — remove http.basic_auth; the Worker "
        "does access control (access.mode bearer)",
    ),
    "tls": (
        GOOD.replace("http:\n", "http:\n  cert_file: /c.pem\n  key_file: /k.pem\n"),
        "examples/x/bento.yaml:2:14: http.cert_file: TLS on Bento's HTTP server: the Worker talks plain "
        "HTTP to the container and terminates TLS itself — remove http.cert_file",
    ),
    "ready shadowed": (
        GOOD.replace("path: /post", "path: /ready"),
        'examples/x/bento.yaml:5:11: input.http_server.path: "/ready" shadows Bento\'s readiness endpoint '
        "— use another path such as /post",
    ),
    "ready shadowed under root_path": (
        GOOD.replace("path: /post", "path: /bento/ready"),
        'examples/x/bento.yaml:5:11: input.http_server.path: "/bento/ready" shadows Bento\'s readiness '
        "endpoint — use another path such as /post",
    ),
    "metrics shadowed": (
        GOOD.replace("path: /post", "path: /metrics"),
        'examples/x/bento.yaml:5:11: input.http_server.path: "/metrics" shadows Bento\'s metrics endpoint '
        "— use another path such as /post",
    ),
    "debug shadowed": (
        GOOD.replace("path: /post", "path: /debug/stack"),
        'examples/x/bento.yaml:5:11: input.http_server.path: "/debug/stack" shadows Bento\'s stack '
        "endpoint — use another path such as /post",
    ),
    "root prefix": (
        GOOD.replace("path: /post", "path: /"),
        'examples/x/bento.yaml:5:11: input.http_server.path: "/" ends with / so it is a prefix route that '
        "also captures /ready — use another path such as /post",
    ),
    "path parameter": (
        GOOD.replace("path: /post", "path: /{tenant}"),
        'examples/x/bento.yaml:5:11: input.http_server.path: "/{tenant}" has a path parameter that also '
        "matches /ready — use another path such as /post",
    ),
    "ws_path shadowed": (
        GOOD.replace("path: /post", "path: /post\n    ws_path: /ping"),
        'examples/x/bento.yaml:6:14: input.http_server.ws_path: "/ping" shadows Bento\'s liveness endpoint '
        "— use another path such as /post/ws",
    ),
    "custom address": (
        GOOD.replace("path: /post", "address: 0.0.0.0:4196\n    path: /post"),
        "examples/x/bento.yaml:5:14: input.http_server.address: a custom address (0.0.0.0:4196) starts a "
        "second HTTP server on a port the container does not expose — remove `address` (or set "
        '`address: ""`) so the input shares the main http server',
    ),
    "undeclared env var": (
        GOOD.replace("root.processed = true", 'root.key = "${API_KEY}"'),
        "examples/x/bento.yaml:10:21: pipeline.processors.0.mapping: ${API_KEY} has no default and API_KEY "
        "is not declared, so Bento refuses to start — declare API_KEY under container.env or "
        "container.secrets, or give a default: ${API_KEY:value}",
    ),
    "undeclared env var in a comment": (
        "# token: ${TOKEN}\n" + GOOD,
        "examples/x/bento.yaml:1:10: ${TOKEN} has no default and TOKEN is not declared, so Bento refuses "
        "to start — declare TOKEN under container.env or container.secrets, or give a default: "
        "${TOKEN:value}",
    ),
    "stdin": (
        GOOD.replace("  http_server:\n    path: /post", "  stdin: {}"),
        "examples/x/bento.yaml:4:3: input.stdin: `stdin` is at EOF in a container, so the pipeline ends "
        "and Bento exits at once — use an http_server input on the shared server, e.g. "
        "`input: {http_server: {path: /post}}`",
    ),
    "no input": (
        GOOD.replace("input:\n  http_server:\n    path: /post\n", ""),
        "examples/x/bento.yaml: input: no input section, so Bento reads its default `stdin`, which is at "
        "EOF in a container: the process exits at once — add `input: {http_server: {path: /post}}`",
    ),
    "generate with count": (
        GOOD.replace("  http_server:\n    path: /post", "  generate:\n    count: 10\n    mapping: root = {}"),
        "examples/x/bento.yaml:4:3: input.generate: `generate` with count 10 stops after that many "
        "messages, and Bento exits with it — use an http_server input on the shared server, e.g. "
        "`input: {http_server: {path: /post}}`",
    ),
    "local file": (
        GOOD.replace("  http_server:\n    path: /post", "  file:\n    paths: [./data.jsonl]"),
        "examples/x/bento.yaml:4:3: input.file: `file` reads local files, and the image holds only "
        "/bento.yaml; Bento exits when they end — use an http_server input on the shared server, e.g. "
        "`input: {http_server: {path: /post}}`",
    ),
    "pull input": (
        GOOD.replace("  http_server:\n    path: /post", "  kafka:\n    addresses: [k:9092]\n    topics: [t]"),
        "examples/x/bento.yaml:4:3: input.kafka: `kafka` is not an HTTP input: the Worker delivers only "
        "HTTP requests to the container, and the container sleeps when no requests arrive — use an "
        "http_server input on the shared server, e.g. `input: {http_server: {path: /post}}`",
    ),
    "unit-test-only file": (
        "tests:\n  - name: x\n    input_batch: []\n",
        "examples/x/bento.yaml:1:1: tests: only unit tests (`tests:`), not a runnable config — point the "
        "component at the config these tests target (run the tests with `bento test`)",
    ),
    "resource-only file": (
        "processor_resources:\n  - label: up\n    mapping: root = content().uppercase()\n",
        "examples/x/bento.yaml:1:1: processor_resources: only resources (a file for `bento -r`), not a "
        "runnable config — point the component at the main config that uses these resources",
    ),
    "yaml error": (
        GOOD.replace("    path: /post", "    path: [/post"),
        "examples/x/bento.yaml:6:9: invalid YAML: while parsing a flow sequence: expected ',' or ']', but "
        "got ':' (the construct began on line 5) — fix the YAML syntax",
    ),
    "tab indentation": (
        GOOD.replace("    path: /post", "\tpath: /post"),
        "examples/x/bento.yaml:5:1: invalid YAML: while scanning for the next token: found character "
        "'\\t' that cannot start any token — fix the YAML syntax",
    ),
    "duplicate key": (
        GOOD + "output:\n  drop: {}\n",
        "examples/x/bento.yaml:13:1: output: duplicate key (first at line 11); Bento refuses duplicate "
        "keys — merge the two into one",
    ),
    "unknown section": (
        GOOD + "resources:\n  caches: {}\n",
        "examples/x/bento.yaml:13:1: resources: not a Bento config section; Bento's lint refuses unknown "
        "fields at start — remove it or fix its spelling",
    ),
    "two input types": (
        GOOD.replace("    path: /post", "    path: /post\n  stdin: {}"),
        "examples/x/bento.yaml:6:3: input.stdin: more than one input type in one block (http_server, "
        "stdin) — keep one, or combine several with a `broker` input",
    ),
    "port known only at run time": (
        GOOD.replace("${PORT:4195}", "${PORT}"),
        "examples/x/bento.yaml:2:12: http.address: the port depends on ${PORT}, whose value is only known "
        "inside the container, but the Worker needs it at deploy time — write the port literally "
        "(0.0.0.0:4195), or use a default such as ${PORT:4195} and do not also set that variable under "
        "container.env",
    ),
    "missing rate limit resource": (
        GOOD.replace("path: /post", "path: /post\n    rate_limit: slow"),
        "examples/x/bento.yaml:6:17: input.http_server.rate_limit: no rate_limit resource labelled 'slow'; "
        "Bento fails to start — add it under rate_limit_resources or remove rate_limit",
    ),
    "empty file": (
        "",
        "examples/x/bento.yaml: the config is empty — write a mapping with input, pipeline and output "
        "sections",
    ),
    "top level list": (
        "- input: {}\n",
        "examples/x/bento.yaml: the config is a list, not a mapping — write a mapping with input, pipeline "
        "and output sections",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_config_gives_exactly_one_line(case: str) -> None:
    text, expected = BROKEN[case]
    declared = frozenset({"PORT"}) if case == "port known only at run time" else frozenset()
    assert only_problem(text, declared=declared) == expected


def test_sync_response_is_refused_under_queue() -> None:
    assert only_problem(GOOD, "queue") == (
        "examples/x/bento.yaml:12:3: output.sync_response: sync_response has no caller to answer: the queue "
        "consumer only needs Bento to accept the batch — send results to a real output (e.g. http_client) "
        "or drop them; remove sync_response"
    )


def test_queue_needs_post() -> None:
    text = GOOD.replace("path: /post", "path: /post\n    allowed_verbs: [PUT]").replace(
        "sync_response: {}", "drop: {}"
    )
    assert only_problem(text, "queue") == (
        "examples/x/bento.yaml:6:20: input.http_server.allowed_verbs: allowed_verbs ['PUT'] refuses POST, "
        "which is how the queue consumer delivers batches — add POST to allowed_verbs (or remove the field)"
    )


def test_queue_config_with_batching_longer_than_shutdown_gets_a_warning() -> None:
    text = GOOD.replace(
        "output:\n  sync_response: {}\n",
        "output:\n  http_client:\n    url: http://sink/\n    batching:\n      count: 100\n      period: 1m\n",
    )
    result = check(text, "queue")
    assert result.ok and result.response_mode == "accepted"
    assert [str(w) for w in result.warnings] == [
        "examples/x/bento.yaml:16:15: output.http_client.batching.period: batching period 1m is longer than "
        "shutdown_timeout 20s: when the container stops, the open batch is cut off and redelivered — "
        "shorten the period, or raise shutdown_timeout above it"
    ]
    assert check("shutdown_timeout: 2m\n" + text, "queue").warnings == ()


def test_durable_object_gets_tenant_id_and_websocket_path() -> None:
    text = GOOD.replace("path: /post", "path: /in\n    ws_path: /in/ws").replace(
        "root.processed = true", 'root.tenant = "${TENANT_ID}"'
    )
    result = check(text, "durable-object", frozenset({"TENANT_ID"}))
    assert result.ok, [str(p) for p in result.problems]
    assert (result.input_path, result.ws_path) == ("/in", "/in/ws")


@pytest.mark.parametrize(
    "output",
    [
        "sync_response: {}",
        "broker:\n    pattern: fan_out\n    outputs:\n      - http_client: {url: http://x/}\n"
        "      - sync_response: {}",
        "switch:\n    cases:\n      - check: this.ok\n        output: {sync_response: {}}\n"
        "      - output: {drop: {}}",
        "fallback:\n    - http_client: {url: http://x/}\n    - sync_response: {}",
        "resource: reply",
    ],
)
def test_sync_response_anywhere_on_the_way_out_means_sync(output: str) -> None:
    text = (
        GOOD.replace("sync_response: {}", output)
        + "output_resources:\n  - label: reply\n    sync_response: {}\n"
    )
    result = check(text)
    assert result.ok, [str(p) for p in result.problems]
    assert result.response_mode == "sync"


def test_sync_response_processor_means_sync_but_input_reply_settings_do_not() -> None:
    processor = GOOD.replace(
        "        root.processed = true\n", "        root.processed = true\n    - sync_response: {}\n"
    )
    as_processor = processor.replace("output:\n  sync_response: {}", "output:\n  drop: {}")
    assert check(as_processor).response_mode == "sync"
    settings = GOOD.replace("path: /post", "path: /post\n    sync_response:\n      status: '201'").replace(
        "output:\n  sync_response: {}", "output:\n  drop: {}"
    )
    assert check(settings).response_mode == "accepted"


def test_broker_with_one_http_server_is_accepted() -> None:
    text = GOOD.replace(
        "  http_server:\n    path: /post",
        "  broker:\n    inputs:\n      - http_server:\n"
        "          path: /in\n          allowed_verbs: [post, put]",
    )
    result = check(text)
    assert result.ok and (result.input_path, result.input_methods) == ("/in", ("POST", "PUT"))


def test_input_resource_is_followed() -> None:
    text = GOOD.replace("  http_server:\n    path: /post", "  resource: web") + (
        "input_resources:\n  - label: web\n    http_server:\n      path: /hook\n"
    )
    result = check(text)
    assert result.ok and result.input_path == "/hook"


def test_env_defaults_escapes_and_declared_names() -> None:
    text = GOOD.replace("path: /post", "path: ${IN_PATH:/hook}").replace(
        "root.processed = true",
        'root.a = "${EMPTY:}"\n        root.b = "${{LITERAL}}"\n        root.c = "${KEY}"',
    )
    result = check(text, declared=frozenset({"KEY"}))
    assert result.ok, [str(p) for p in result.problems]
    assert result.input_path == "/hook"


def test_a_declared_env_var_overriding_the_port_default_is_a_problem() -> None:
    (problem,) = check(GOOD, declared=frozenset({"PORT"})).problems
    assert problem.key_path == "http.address" and "${PORT:4195}" in problem.message


def test_positions_are_in_the_raw_file_after_env_substitution() -> None:
    text = GOOD.replace("root.processed = true", 'root.x = "${A_LONG_NAME:v}" + this.a +* 1')
    (problem,) = check(text).problems
    # `        root.x = "${A_LONG_NAME:v}" + this.a +* 1`: the `*` is column 47 in the raw line.
    assert (problem.line, problem.column) == (10, 47)


def test_yes_and_no_stay_strings_as_in_go_yaml_v3() -> None:
    result = check(GOOD.replace("path: /post", "path: /post\n    allowed_verbs: [POST, yes]"))
    assert result.input_methods == ("POST", "YES")


def test_prefix_path_below_a_private_prefix_is_only_a_warning() -> None:
    result = check(GOOD.replace("path: /post", "path: /api/"))
    assert result.ok and result.input_path == "/api/"
    assert [w.key_path for w in result.warnings] == ["input.http_server.path"]


def test_multi_document_file_is_one_yaml_problem() -> None:
    (problem,) = check(GOOD + "---\nhttp: {}\n").problems
    assert problem.message.startswith("invalid YAML: expected a single document")
    assert problem.line == 13


def test_problem_str_without_location() -> None:
    result = check("")
    assert str(result.problems[0]).startswith("examples/x/bento.yaml: the config is empty")
