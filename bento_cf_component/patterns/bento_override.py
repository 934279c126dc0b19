"""``bento-cf plan|export|dev --config FILE``: use another Bento config for every component.

The override travels in an environment variable for the duration of one offline run, so it
applies whether a program configures the component from stack config or in Python.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

OVERRIDE_ENV = "BENTO_CF_BENTO_CONFIG"
"""An absolute path; when set, it replaces ``bento.config`` / ``bento.inline``."""


def bento_config_override_path() -> str | None:
    return os.environ.get(OVERRIDE_ENV) or None


@contextmanager
def bento_config_override(path: str | None) -> Iterator[None]:
    if path is None:
        yield
        return
    previous = os.environ.get(OVERRIDE_ENV)
    os.environ[OVERRIDE_ENV] = path
    try:
        yield
    finally:
        if previous is None:
            del os.environ[OVERRIDE_ENV]
        else:
            os.environ[OVERRIDE_ENV] = previous
