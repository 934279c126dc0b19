"""Cloudflare error codes met by these providers, in plain words: what happened and what to do.

Each entry names its evidence (docs/cloudflare.md, "Error codes met", has the table with sources).
An error is matched on its numeric code or on its name appearing in the message, because the
containers API answers in three dialects (numeric code, code 1000 with a JSON message, and a bare
``{"error": "NAME"}`` body).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownError:
    """One Cloudflare answer and its one-line explanation."""

    code: int | None
    name: str | None
    happened: str
    fix: str

    def matches(self, code: int | None, message: str) -> bool:
        return (self.code is not None and code == self.code) or (
            self.name is not None and self.name in message
        )


KNOWN_ERRORS: tuple[KnownError, ...] = (
    KnownError(
        10061,
        None,
        "a Durable Object binding names a class that no migration has created",
        "the class must be created once with a new_sqlite_classes migration: re-run (the migration is "
        "planned from the live tag); if the class was deleted by hand, deploy under a new script_name",
    ),
    KnownError(
        10074,
        None,
        "a migration tried to create a Durable Object class that already exists (or delete one that "
        "does not)",
        "the class is already live, so its migration must not be sent again: re-run (bento-cf reads the "
        "live tag and sends none) and stop other tools from replaying old migrations on this script",
    ),
    KnownError(
        10079,
        None,
        "the upload's migration tag does not match the script's live tag (a migration was resent, or "
        "another tool deployed in between)",
        "re-run: the live tag is read right before each upload; if it repeats, another tool is deploying "
        "this script at the same time",
    ),
    KnownError(
        10097,
        None,
        "the account is on the Workers Free plan, where Durable Objects need new_sqlite_classes",
        "Containers need the Workers Paid plan: upgrade the account and re-run",
    ),
    KnownError(
        10211,
        None,
        "a version upload (gradual deployment) tried to change a Durable Object class, which only a "
        "full script upload may do",
        "deploy with a full upload (pulumi up does; so does wrangler deploy), not wrangler versions upload",
    ),
    KnownError(
        10007,
        None,
        "the Worker script does not exist on this account",
        "deploy the WorkerScript first (check script_name and account_id) and re-run",
    ),
    KnownError(
        11000,
        None,
        "the queue does not exist (or is not visible yet)",
        "create it first (pulumi_cloudflare.Queue) or fix queue_name, then re-run",
    ),
    KnownError(
        10104,
        None,
        "the queue does not exist",
        "create it first (pulumi_cloudflare.Queue) or fix queue_name, then re-run",
    ),
    KnownError(
        11001,
        None,
        "the Worker does not export a queue() handler (or its upload has not propagated yet)",
        "deploy the Worker built for the queue pattern (it exports queue()) before the consumer, and re-run",
    ),
    KnownError(
        11004,
        None,
        "the queue already has a consumer",
        "a queue feeds one Worker consumer: remove the other one (wrangler queues consumer remove "
        "<queue> <script>) or consume another queue, then re-run",
    ),
    KnownError(
        1607,
        "DURABLE_OBJECT_NOT_CONTAINER_ENABLED",
        "the Durable Object class is not container-enabled (its upload lacked containers: [{class_name}])",
        "re-run so WorkerScript uploads the class with its containers attachment; a class the platform "
        "refuses to enable must be recreated under a new script_name (data-destroying, by hand)",
    ),
    KnownError(
        1608,
        "DURABLE_OBJECT_ALREADY_HAS_APPLICATION",
        "the Durable Object namespace already has a container application",
        "re-run to adopt it, or delete the other application if it is not this Worker's",
    ),
    KnownError(
        None,
        "VALIDATE_INPUT",
        "Cloudflare refused the container application's settings (input or account limits)",
        "check that the image is pushed to registry.cloudflare.com/<account id>, the instance type exists "
        "and max_instances fits the account's limits, then re-run",
    ),
)


def explain(errors: Iterable[tuple[int | None, str]]) -> KnownError | None:
    """The first known error among ``(code, message)`` pairs, if any."""
    pairs = list(errors)
    for known in KNOWN_ERRORS:
        if any(known.matches(code, message) for code, message in pairs):
            return known
    return None
