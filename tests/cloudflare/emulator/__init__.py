"""Test-only Cloudflare API emulator (see server.py)."""

from emulator.server import ApiFailure, CloudflareEmulator, Recorded

__all__ = ["ApiFailure", "CloudflareEmulator", "Recorded"]
