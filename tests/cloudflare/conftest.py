"""Fixtures for the Cloudflare provider tests: a fresh emulator per test, the SDK pointed at it.

This folder has no ``__init__.py`` on purpose: as a package it would be named ``cloudflare`` and
shadow the SDK.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator import CloudflareEmulator

from bento_cf_component.cloudflare import container_application, migrations


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[CloudflareEmulator]:
    emu = CloudflareEmulator()
    emu.start()
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", emu.token)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", emu.base_url)
    for var in ("CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_USER_SERVICE_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(migrations, "NAMESPACE_POLL_DELAY_SECONDS", 0.01)
    monkeypatch.setattr(container_application, "ADOPT_POLL_DELAY_SECONDS", 0.01)
    try:
        yield emu
    finally:
        emu.stop()
