"""Run a Pulumi program in-process under Pulumi's mock engine and record what it declares.

This is a preview (``dry_run``): the mocks return only what a resource was given, so every
output the cloud computes (ids, digests, namespace ids) stays unknown and is shown as
"known after deploy" — the same thing the real engine would show, not an invented value.
"""

from __future__ import annotations

import logging
import os
import runpy
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import mocks, rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.settings import get_root_resource
from pulumi.runtime.stack import massage, wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from bento_cf_component.errors import BentoCfConfigError

# Sentinels of Pulumi's wire format (pulumi/runtime/rpc.py).
UNKNOWN = rpc.UNKNOWN
SIG_KEY = rpc._special_sig_key
SECRET_SIG = rpc._special_secret_sig


class PlanProblems(BentoCfConfigError):
    """The program logged errors while it ran (e.g. inside an ``apply``)."""


class Secret:
    """A value the program marked secret; the plan never prints what is inside."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "[secret]"


class Unknown:
    """A value only a real deploy knows."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "(known after deploy)"


SECRET = Secret()
UNKNOWN_VALUE = Unknown()


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent_urn: str
    custom: bool
    inputs: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)


@dataclass
class PlanRecording:
    resources: list[PlannedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _Mocks(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        # Echo only the known inputs back: computed outputs stay unknown, as in a real preview.
        state = {k: v for k, v in args.inputs.items() if v is not None and k != "__provider"}
        return (f"{args.name}-id" if args.custom else None), state

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class _RecordingMonitor(mocks.MockMonitor):
    def __init__(self, recording: PlanRecording) -> None:
        super().__init__(_Mocks())
        self.recording = recording

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response
        raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
        self.recording.resources.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent_urn=request.parent,
                custom=bool(request.custom),
                inputs={k: _decode(v) for k, v in raw.items() if k != "__provider"},
                depends_on=list(request.dependencies),
            )
        )
        return response


class _CollectingHandler(logging.Handler):
    """Collects the engine's warnings and errors instead of printing them."""

    def __init__(self, recording: PlanRecording) -> None:
        super().__init__(level=logging.WARNING)
        self.recording = recording

    def emit(self, record: logging.LogRecord) -> None:
        target = self.recording.errors if record.levelno >= logging.ERROR else self.recording.warnings
        target.append(record.getMessage())


def _engine_logger(recording: PlanRecording) -> logging.Logger:
    logger = logging.Logger("bento-cf-plan")
    logger.addHandler(_CollectingHandler(recording))
    return logger


def _stack_outputs() -> dict[str, Any]:
    """The program's ``pulumi.export`` values, serialised as the engine would receive them.

    Under mocks the stack registered its (then empty) outputs when it was created, so the
    exports are read from the stack object and serialised here, secrets and unknowns marked.
    """
    root = get_root_resource()
    exported = getattr(root, "outputs", None) or {}
    struct = _sync_await(rpc.serialize_properties(massage(exported, []), {}))
    raw = json_format.MessageToDict(struct, preserving_proto_field_name=True)
    return {k: _decode(v) for k, v in raw.items()}


def _decode(value: Any) -> Any:
    if value == UNKNOWN:
        return UNKNOWN_VALUE
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return SECRET
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@contextmanager
def _inside(program_dir: Path) -> Iterator[None]:
    """Run from the program's folder, as ``pulumi`` does; relative paths resolve from there."""
    previous_cwd = Path.cwd()
    previous_path = list(sys.path)
    os.chdir(program_dir)
    sys.path.insert(0, str(program_dir))
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        sys.path[:] = previous_path


def run_program(
    *,
    program: Path,
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: frozenset[str],
) -> PlanRecording:
    """Run ``program`` (a ``__main__.py``) under mocks; exceptions from the program propagate."""

    def run() -> None:
        with _inside(program.parent):
            runpy.run_path(str(program), run_name="__main__")

    return record_declarations(run, project=project, stack=stack, config=config, secret_keys=secret_keys)


def record_declarations(
    declare: Callable[[], object],
    *,
    project: str = "project",
    stack: str = "stack",
    config: dict[str, str] | None = None,
    secret_keys: frozenset[str] = frozenset(),
) -> PlanRecording:
    """Call ``declare`` under mocks and record every resource it registers (tests use this too)."""
    recording = PlanRecording()
    monitor = _RecordingMonitor(recording)
    set_all_config(dict(config or {}), sorted(secret_keys))
    mocks.set_mocks(
        monitor.mocks,
        project=project,
        stack=stack,
        preview=True,
        logger=_engine_logger(recording),
        monitor=monitor,
    )
    try:
        declare()
        recording.outputs = _stack_outputs()
        _sync_await(wait_for_rpcs())
    finally:
        runtime_settings.reset_options()
    return recording
