"""QueueRuntime / ScheduleRuntime: the queue pattern's part of BENTO_CF_SETTINGS."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bento_cf_component.worker.queue_runtime import QueueRuntime, ScheduleRuntime
from bento_cf_component.worker.runtime_settings import RuntimeSettings

from .conftest import BASE_SETTINGS

QUEUE_EXAMPLE = {
    "pattern": "queue",
    "port": 4195,
    "inputPath": "/post",
    "inputMethods": ["POST"],
    "responseMode": "accepted",
    "instances": {"count": 3, "stickyHeader": None},
    "access": {"mode": "bearer"},
    "startupBudgetMs": 20000,
    "retryAfterSeconds": 10,
    "sleepAfter": "10m",
    "envVars": {"LOG_LEVEL": "info"},
    "secretEnvNames": ["API_KEY"],
    "queue": {"binding": "BENTO_QUEUE", "ingestPath": "/ingest", "retryDelaySeconds": 0},
    "schedule": {"path": "/post"},
}


def test_contract_example_round_trips_exactly() -> None:
    settings = RuntimeSettings.from_dict(QUEUE_EXAMPLE)
    assert settings.queue == QueueRuntime(binding="BENTO_QUEUE", ingest_path="/ingest", retry_delay_seconds=0)
    assert settings.schedule == ScheduleRuntime(path="/post")
    assert settings.to_dict() == QUEUE_EXAMPLE
    assert json.loads(settings.to_json()) == QUEUE_EXAMPLE


def test_schedule_absent_or_null_means_none_and_is_not_emitted() -> None:
    for raw in (
        {k: v for k, v in QUEUE_EXAMPLE.items() if k != "schedule"},
        {**QUEUE_EXAMPLE, "schedule": None},
    ):
        settings = RuntimeSettings.from_dict(raw)
        assert settings.schedule is None
        assert "schedule" not in settings.to_dict()


def test_request_pattern_json_is_unchanged_by_the_new_fields() -> None:
    text = BASE_SETTINGS.to_json()
    assert '"queue"' not in text and '"schedule"' not in text
    assert RuntimeSettings.from_dict(json.loads(text)).to_json() == text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"queue": None}, "pattern 'queue' needs queue"),
        ({"input_path": "/in/{topic}"}, "input_path must be a literal path"),
        ({"input_methods": ("PUT",)}, "input_methods must include POST"),
        ({"queue": QueueRuntime("BENTO_CF_SETTINGS", "/ingest", 0)}, "collides with another binding"),
        ({"queue": QueueRuntime("API_KEY", "/ingest", 0)}, "collides with another binding"),
        ({"pattern": "request"}, "queue is only valid with pattern 'queue'"),
    ],
)
def test_cross_field_checks(changes: dict[str, object], message: str) -> None:
    base = RuntimeSettings.from_dict(QUEUE_EXAMPLE)
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_schedule_without_queue_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="schedule is only valid"):
        dataclasses.replace(BASE_SETTINGS, schedule=ScheduleRuntime("/post"))


@pytest.mark.parametrize(
    ("binding", "path", "delay", "message"),
    [
        ("bad-name", "/ingest", 0, "binding must be a binding name"),
        ("BENTO_QUEUE", "ingest", 0, "must start with '/'"),
        ("BENTO_QUEUE", "/ping", 0, "must not be /ping"),
        ("BENTO_QUEUE", "/metrics", 0, "management path"),
        ("BENTO_QUEUE", "/streams/x", 0, "management path"),
        ("BENTO_QUEUE", "/a//b", 0, "plain path"),
        ("BENTO_QUEUE", "/a/../metrics", 0, "plain path"),
        ("BENTO_QUEUE", "/%6Detrics", 0, "plain path"),
        ("BENTO_QUEUE", "/ingest", -1, "retry_delay_seconds"),
        ("BENTO_QUEUE", "/ingest", 43_201, "retry_delay_seconds"),
        ("BENTO_QUEUE", "/ingest", True, "retry_delay_seconds"),
    ],
)
def test_queue_runtime_refuses_bad_values(binding: str, path: str, delay: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        QueueRuntime(binding=binding, ingest_path=path, retry_delay_seconds=delay)


def test_schedule_path_must_not_be_a_management_path() -> None:
    with pytest.raises(ValueError, match="management path"):
        ScheduleRuntime(path="/streams")
    assert ScheduleRuntime(path="/tick").to_dict() == {"path": "/tick"}
