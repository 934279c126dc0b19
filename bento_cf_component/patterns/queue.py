"""The queue pattern: producers → Cloudflare Queue → the Worker's ``queue()`` → Bento, in batches.

Order on the account: queues exist before the script that binds them; the consumer is
registered only after a script that exports ``queue()`` is live; a cron trigger (optional)
likewise waits for the script.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pulumi
import pulumi_cloudflare as cloudflare

from bento_cf_component.cloudflare.queue_consumer import QueueConsumer
from bento_cf_component.patterns.bento_input import CheckedBento
from bento_cf_component.patterns.container_worker import (
    PatternOutputs,
    base_runtime_settings,
    declare_container_worker,
)
from bento_cf_component.settings.model import ComponentSettings
from bento_cf_component.worker.queue_runtime import QUEUE_BINDING, QueueRuntime, ScheduleRuntime


def declare_queue_pattern(
    name: str,
    *,
    settings: ComponentSettings,
    bento: CheckedBento,
    build_dir: Path,
    parent: pulumi.Resource,
) -> PatternOutputs:
    queue = settings.queue_settings
    child = pulumi.ResourceOptions(parent=parent)
    main_queue = _queue(
        f"{name}-queue", settings.queue_name, create=queue.create, settings=settings, opts=child
    )
    dead_letters = _queue(
        f"{name}-dlq",
        settings.dead_letter_queue_name,
        create=queue.create_dead_letter_queue,
        settings=settings,
        opts=child,
    )
    created = [q for q in (main_queue, dead_letters) if q is not None]

    schedule = settings.schedule
    runtime = base_runtime_settings(
        settings,
        bento,
        queue=QueueRuntime(
            binding=QUEUE_BINDING,
            ingest_path=queue.ingest_path,
            retry_delay_seconds=queue.retry_delay,
        ),
        schedule=ScheduleRuntime(path=schedule.path or bento.result.input_path) if schedule else None,
    )
    core = declare_container_worker(
        name,
        settings=settings,
        bento=bento,
        runtime=runtime,
        build_dir=build_dir,
        parent=parent,
        extra_bindings=[{"type": "queue", "name": QUEUE_BINDING, "queue_name": settings.queue_name}],
        script_depends_on=created,
    )

    after_script = pulumi.ResourceOptions(parent=parent, depends_on=[core.script, *created])
    QueueConsumer(
        f"{name}-consumer",
        account_id=settings.account_id,
        queue_name=settings.queue_name,
        script_name=core.script.script_name,
        dead_letter_queue=settings.dead_letter_queue_name,
        batch_size=queue.max_batch_size,
        max_wait_time_ms=queue.max_batch_timeout * 1000,
        max_retries=queue.max_retries,
        retry_delay=queue.retry_delay,
        max_concurrency=queue.max_concurrency,
        opts=after_script,
    )
    if schedule is not None:
        cloudflare.WorkersCronTrigger(
            f"{name}-schedule",
            account_id=settings.account_id,
            script_name=core.script.script_name,
            schedules=[cloudflare.WorkersCronTriggerScheduleArgs(cron=schedule.cron)],
            opts=after_script,
        )
    return replace(
        core.outputs,
        queue_name=main_queue.queue_name if main_queue else pulumi.Output.from_input(settings.queue_name),
        dead_letter_queue_name=(
            dead_letters.queue_name
            if dead_letters
            else pulumi.Output.from_input(settings.dead_letter_queue_name)
        ),
    )


def _queue(
    resource_name: str,
    queue_name: str,
    *,
    create: bool,
    settings: ComponentSettings,
    opts: pulumi.ResourceOptions,
) -> cloudflare.Queue | None:
    """The queue when the component manages it; None when it is referenced by name."""
    if not create:
        return None
    return cloudflare.Queue(resource_name, account_id=settings.account_id, queue_name=queue_name, opts=opts)
