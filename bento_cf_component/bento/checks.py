"""Entry point: does this Bento config work behind a Worker on Cloudflare Containers?"""

from __future__ import annotations

from .context import CheckContext
from .http import check_http
from .inputs import check_input
from .mappings import check_all_mappings
from .outputs import check_output
from .report import BentoCheckResult, Pattern, Problem
from .source import LoadedSource

# internal/config/schema.go Spec(): anything else is a lint error, and Bento refuses to start.
TOP_LEVEL_KEYS = frozenset(
    {
        "http",
        "input",
        "buffer",
        "pipeline",
        "output",
        "input_resources",
        "processor_resources",
        "output_resources",
        "cache_resources",
        "rate_limit_resources",
        "logger",
        "metrics",
        "tracer",
        "shutdown_delay",
        "shutdown_timeout",
        "error_handling",
        "tests",
    }
)
_RESOURCE_KEYS = frozenset(k for k in TOP_LEVEL_KEYS if k.endswith("_resources"))


def check_bento_config(
    source: str,
    *,
    origin: str,
    pattern: Pattern,
    declared_env: frozenset[str],
) -> BentoCheckResult:
    """Check a Bento config for a deployment pattern; never raises."""
    try:
        return _check(source, origin, pattern, declared_env)
    except Exception as exc:  # a finding, not a traceback, even for a bug in this checker
        return BentoCheckResult(
            problems=(
                Problem(
                    origin,
                    None,
                    None,
                    "",
                    f"internal error in the Bento check ({type(exc).__name__}: {exc})",
                    "please report it with this config",
                ),
            )
        )


def _check(source: str, origin: str, pattern: Pattern, declared_env: frozenset[str]) -> BentoCheckResult:
    ctx = CheckContext(LoadedSource(source), origin, pattern, declared_env)
    src = ctx.source
    if src.failure is not None:
        at = src.point(src.failure.index) if src.failure.index is not None else None
        ctx.problem((), f"invalid YAML: {src.failure.message}", "fix the YAML syntax", at=at)
        return _result(ctx)
    if not isinstance(src.data, dict):
        what = "empty" if src.data is None else f"a {type(src.data).__name__}, not a mapping"
        ctx.problem((), f"the config is {what}", "write a mapping with input, pipeline and output sections")
        return _result(ctx)
    for dup in src.duplicates:
        ctx.problem(
            dup.path,
            f"duplicate key (first at line {dup.first_line}); Bento refuses duplicate keys",
            "merge the two into one",
            at=src.point(dup.index),
        )
    if not _runnable(ctx):
        # Still report what else is wrong in the file, so one fix round is enough.
        _env_refs(ctx)
        return _result(ctx, mappings_checked=check_all_mappings(ctx))
    for key in src.data:
        if str(key) not in TOP_LEVEL_KEYS:
            ctx.problem(
                (str(key),),
                "not a Bento config section; Bento's lint refuses unknown fields at start",
                "remove it or fix its spelling",
                key=True,
            )

    http = check_http(ctx)
    facts = check_input(ctx, http.root_path)
    mode = check_output(ctx)
    _env_refs(ctx)
    checked = check_all_mappings(ctx)
    return _result(
        ctx,
        port=http.port,
        input_path=facts.path,
        input_methods=facts.methods,
        ws_path=facts.ws_path,
        response_mode=mode,
        mappings_checked=checked,
    )


def _runnable(ctx: CheckContext) -> bool:
    keys = [str(k) for k in ctx.source.data]
    if keys and set(keys) == {"tests"}:
        ctx.problem(
            ("tests",),
            "only unit tests (`tests:`), not a runnable config",
            "point the component at the config these tests target (run the tests with `bento test`)",
            key=True,
        )
        return False
    resources = [k for k in keys if k in _RESOURCE_KEYS]
    if resources and set(keys) <= _RESOURCE_KEYS | {"tests"}:
        ctx.problem(
            (resources[0],),
            "only resources (a file for `bento -r`), not a runnable config",
            "point the component at the main config that uses these resources",
            key=True,
        )
        return False
    return True


def _env_refs(ctx: CheckContext) -> None:
    seen: set[str] = set()
    for ref in ctx.source.subst.refs:
        if ref.default is not None or ref.name in ctx.declared_env or ref.name in seen:
            continue
        seen.add(ref.name)  # one finding per variable, at its first use
        ctx.problem(
            ctx.source.path_at(ref.start),
            f"${{{ref.name}}} has no default and {ref.name} is not declared, so Bento refuses to start",
            f"declare {ref.name} under container.env or container.secrets, "
            f"or give a default: ${{{ref.name}:value}}",
            at=ctx.source.raw_point(ref.start),
        )


def _result(
    ctx: CheckContext,
    *,
    port: int | None = None,
    input_path: str | None = None,
    input_methods: tuple[str, ...] = ("POST",),
    ws_path: str | None = None,
    response_mode: str = "accepted",
    mappings_checked: int = 0,
) -> BentoCheckResult:
    data = ctx.source.data if isinstance(ctx.source.data, dict) else {}
    return BentoCheckResult(
        problems=tuple(ctx.problems),
        warnings=tuple(ctx.warnings),
        port=port if port is not None else 4195,
        input_path=input_path if input_path is not None else "/post",
        input_methods=input_methods,
        ws_path=ws_path,
        response_mode="sync" if response_mode == "sync" else "accepted",
        mappings_checked=mappings_checked,
        config=data,
    )
