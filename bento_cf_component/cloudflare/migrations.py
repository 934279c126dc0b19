"""Durable Object migrations: applied exactly once, decided by what is live on the account.

A Worker's migration tag moves forward only through an upload carrying ``migrations``; an upload
whose ``old_tag`` does not match the live tag is rejected, and so is one that would create a class
that already exists. So the tag is never remembered in Pulumi state (state can be lost, wrangler
can deploy in between): it is read from the account right before every upload.

Read path: ``client.workers.scripts.list`` → the entry for our script → ``migration_tag``. (wrangler
reads ``GET /accounts/{acct}/workers/services/{script}`` → ``default_environment.script.migration_tag``;
that endpoint has no SDK method, and the script list carries the same tag.)

Class path: ``client.durable_objects.namespaces.list`` → ``class`` + ``script`` match (what wrangler
does for an unbound container class). A namespace exists exactly when the class was created by a
migration, whichever tool sent it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from cloudflare import Cloudflare
from cloudflare.types.workers.migration_step_param import MigrationStepParam
from cloudflare.types.workers.script_update_params import MetadataMigrationsWorkersMultipleStepMigrations

from bento_cf_component.cloudflare.errors import SCRIPTS_WRITE, CloudflareDeployError, cloudflare_errors

MIGRATION_TAG = "v1"
"""The tag of the one migration this package ever sends: ``new_sqlite_classes: [<container class>]``."""

NAMESPACE_POLL_ATTEMPTS = 10
NAMESPACE_POLL_DELAY_SECONDS = 0.5
"""A fresh namespace can take a moment to show in the list; poll this long before failing."""


@dataclass(frozen=True)
class LiveScript:
    """What the account says about a Worker script before we upload it."""

    exists: bool
    migration_tag: str | None


def read_live_script(client: Cloudflare, account_id: str, script_name: str) -> LiveScript:
    """The script's live migration tag (``None`` when it has none or does not exist)."""
    with cloudflare_errors(f"reading Worker script '{script_name}'", permission=SCRIPTS_WRITE):
        for script in client.workers.scripts.list(account_id=account_id):
            if script.id == script_name:
                return LiveScript(exists=True, migration_tag=script.migration_tag or None)
    return LiveScript(exists=False, migration_tag=None)


def find_namespace_id(client: Cloudflare, account_id: str, script_name: str, class_name: str) -> str | None:
    """The id of the Durable Object namespace implemented by ``class_name`` in ``script_name``."""
    with cloudflare_errors("listing Durable Object namespaces", permission=SCRIPTS_WRITE):
        for namespace in client.durable_objects.namespaces.list(account_id=account_id, per_page=1000):
            if namespace.class_ == class_name and namespace.script == script_name and namespace.id:
                return namespace.id
    return None


def wait_for_namespace_id(client: Cloudflare, account_id: str, script_name: str, class_name: str) -> str:
    """The namespace id right after an upload: retried briefly, never returned empty."""
    for attempt in range(NAMESPACE_POLL_ATTEMPTS):
        namespace_id = find_namespace_id(client, account_id, script_name, class_name)
        if namespace_id:
            return namespace_id
        if attempt + 1 < NAMESPACE_POLL_ATTEMPTS:
            time.sleep(NAMESPACE_POLL_DELAY_SECONDS)
    waited = NAMESPACE_POLL_ATTEMPTS * NAMESPACE_POLL_DELAY_SECONDS
    raise CloudflareDeployError(
        f"Worker '{script_name}' was uploaded but no Durable Object namespace for class '{class_name}' "
        f"appeared within {waited:g} s; check that the bundle exports '{class_name}' and re-run "
        "(the upload is safe to repeat and sends no second migration)"
    )


def plan_migration(
    live: LiveScript, *, class_exists: bool, class_name: str
) -> MetadataMigrationsWorkersMultipleStepMigrations | None:
    """The ``migrations`` to send with this upload, or ``None`` when the class is already live.

    - live tag is ours (``v1``) or the class already has a namespace (created earlier by us, by
      wrangler, or by anything else): send nothing — resending would be rejected and is never needed;
    - otherwise create the class with ``new_sqlite_classes`` (never ``new_classes``: a container
      class needs SQLite storage), with ``old_tag`` set to the live tag when the script has one so
      the precondition holds.
    """
    if class_exists or live.migration_tag == MIGRATION_TAG:
        return None
    step: MigrationStepParam = {"new_sqlite_classes": [class_name]}
    migration: MetadataMigrationsWorkersMultipleStepMigrations = {"new_tag": MIGRATION_TAG, "steps": [step]}
    if live.migration_tag:
        migration["old_tag"] = live.migration_tag
    return migration
