"""Queue pattern settings: the consumer (wrangler's names, Cloudflare's limits) and the schedule."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt, model_validator

from bento_cf_component.settings.fields import (
    StrictModel,
    UrlPath,
    setting_error,
)

_QUEUE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-?LW#]+$")


def _queue_name(value: str) -> str:
    if not _QUEUE_NAME.match(value):
        raise setting_error(
            "queue_name", f"queue name {value!r} must be 1-63 lowercase letters, digits and dashes"
        )
    return value


QueueName = Annotated[str, AfterValidator(_queue_name)]


class QueueSettings(StrictModel):
    """Consumer settings use wrangler's names and Cloudflare's documented limits."""

    name: QueueName | None = None
    """The main queue; default ``<worker>-queue``."""
    create: bool = True
    """False: reference an existing queue by ``name`` instead of creating it."""
    dead_letter_queue: QueueName | None = None
    """Default ``<worker>-dlq``."""
    create_dead_letter_queue: bool = True
    max_batch_size: StrictInt = Field(default=10, ge=1, le=100)
    max_batch_timeout: StrictInt = Field(default=5, ge=0, le=60)
    """Seconds to wait for a full batch."""
    max_retries: StrictInt = Field(default=3, ge=0, le=100)
    retry_delay: StrictInt = Field(default=0, ge=0, le=43_200)
    """Seconds before a failed batch is retried (at most 12 h)."""
    max_concurrency: StrictInt | None = Field(default=None, ge=1, le=250)
    """Unset: scale to the platform maximum."""
    ingest_path: UrlPath = "/ingest"

    @model_validator(mode="after")
    def _existing_needs_name(self) -> QueueSettings:
        if not self.create and self.name is None:
            raise setting_error(
                "queue_existing", "queue.create is false: give the existing queue's name", key="name"
            )
        if not self.create_dead_letter_queue and self.dead_letter_queue is None:
            raise setting_error(
                "dlq_existing",
                "queue.create_dead_letter_queue is false: give the existing dead-letter queue's name",
                key="dead_letter_queue",
            )
        if self.name is not None and self.name == self.dead_letter_queue:
            raise setting_error(
                "dlq_same", "the dead-letter queue must differ from the main queue", key="dead_letter_queue"
            )
        return self


class ScheduleSettings(StrictModel):
    cron: str
    """A 5-field cron expression (UTC), e.g. ``*/15 * * * *``."""
    path: UrlPath | None = None
    """Bento path to POST to; default the http_server input path."""

    @model_validator(mode="after")
    def _cron(self) -> ScheduleSettings:
        fields = self.cron.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
            raise setting_error(
                "cron", f"{self.cron!r} must be a 5-field cron expression such as '*/15 * * * *'", key="cron"
            )
        return self
