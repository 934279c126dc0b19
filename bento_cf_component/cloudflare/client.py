"""The one place a Cloudflare SDK client is built.

Dynamic providers are pickled and run in another process, so every provider method calls
``make_client()`` itself; nothing here is created at import time.
"""

from __future__ import annotations

import logging
import os

from cloudflare import Cloudflare

from bento_cf_component.cloudflare.errors import CloudflareDeployError

API_TOKEN_ENV = "CLOUDFLARE_API_TOKEN"
"""The variable wrangler and pulumi-cloudflare read too. The token never enters inputs or state."""
BASE_URL_ENV = "CLOUDFLARE_BASE_URL"
"""Points the SDK somewhere else than https://api.cloudflare.com/client/v4 (the test emulator)."""
MAX_RETRIES = 4
"""Retries of 408/409/429/5xx and connection errors, by the SDK (Retry-After honoured up to 60 s)."""
TIMEOUT_SECONDS = 60.0
SDK_REQUEST_LOGGER = "cloudflare._base_client"
"""Logs every request's options at DEBUG (CLOUDFLARE_LOG=debug) — upload metadata with secret values."""


class RedactRequestOptions(logging.Filter):
    """Keeps the SDK's debug line but drops its arguments: they carry ``secret_text`` bindings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Request options"):
            record.msg = "Request options: [not logged: they can carry secret values]"
            record.args = ()
        return True


def _redact_sdk_request_logs() -> None:
    # A filter applies only to records logged on its own logger, so it goes on the SDK's.
    logger = logging.getLogger(SDK_REQUEST_LOGGER)
    if not any(isinstance(f, RedactRequestOptions) for f in logger.filters):
        logger.addFilter(RedactRequestOptions())


def make_client() -> Cloudflare:
    """Return a fresh SDK client: token from the environment, bounded retries."""
    token = os.environ.get(API_TOKEN_ENV, "").strip()
    if not token:
        raise CloudflareDeployError(
            f"{API_TOKEN_ENV} is not set: export an API token with the 'Workers Scripts Write' and "
            "'Workers Containers Write' permissions for the account before running pulumi"
        )
    _redact_sdk_request_logs()
    base_url = os.environ.get(BASE_URL_ENV, "").strip() or None
    client = Cloudflare(
        api_token=token,
        base_url=base_url,
        max_retries=MAX_RETRIES,
        timeout=TIMEOUT_SECONDS,
    )
    # The SDK also picks up CLOUDFLARE_API_KEY / CLOUDFLARE_EMAIL / CLOUDFLARE_API_USER_SERVICE_KEY
    # and prefers them over the token when building auth headers; use the token only.
    client.api_key = None
    client.api_email = None
    client.user_service_key = None
    return client
