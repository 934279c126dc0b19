"""Durable-object pattern settings: where the tenant key comes from, which keys, keep-warm."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, StrictInt, model_validator

from bento_cf_component.settings.fields import (
    HTTP_HEADER,
    Duration,
    EnvName,
    StrictModel,
    UrlPath,
    setting_error,
)
from bento_cf_component.worker.tenant_runtime import DEFAULT_TENANT_PATTERN, MAX_HOSTNAME_LABEL

# Constructs Python's re accepts but JavaScript's RegExp refuses or reads differently.
_PYTHON_ONLY_REGEX = re.compile(r"\(\?P[<=]|\(\?[aiLmsux-]+[:)]|\(\?#|\\[AZ]")


class KeepWarmSettings(StrictModel):
    tenants: list[str] = Field(min_length=1)
    interval: Duration = "4m"


class TenantSettings(StrictModel):
    source: Literal["path", "header", "hostname"] = "path"
    path_prefix: UrlPath = "/t"
    header: str = "x-tenant-id"
    hostname_label: StrictInt = Field(default=0, ge=0, le=MAX_HOSTNAME_LABEL)
    pattern: str = DEFAULT_TENANT_PATTERN
    """Allowed tenant keys (a regular expression over ASCII; anchored)."""
    allow_list: list[str] | None = None
    env_name: EnvName = "TENANT_ID"
    keep_warm: KeepWarmSettings | None = None

    @model_validator(mode="after")
    def _check(self) -> TenantSettings:
        if not HTTP_HEADER.match(self.header):
            raise setting_error(
                "header", "tenant.header must be an HTTP header name, e.g. x-tenant-id", key="header"
            )
        if not (self.pattern.startswith("^") and self.pattern.endswith("$")):
            raise setting_error("pattern", "tenant.pattern must be anchored with ^ and $", key="pattern")
        if _PYTHON_ONLY_REGEX.search(self.pattern):
            raise setting_error(
                "pattern",
                "tenant.pattern uses Python-only syntax; the Worker runs it as a JavaScript RegExp, so use "
                "their common subset (no (?P<name>…), inline flags such as (?i), \\A or \\Z)",
                key="pattern",
            )
        try:
            compiled = re.compile(self.pattern)
        except re.error as exc:
            raise setting_error(
                "pattern", f"tenant.pattern is not a regular expression ({exc})", key="pattern"
            ) from None
        for label, tenants in (("allow_list", self.allow_list or []), ("keep_warm", self._warm())):
            bad = [t for t in tenants if not (t.isascii() and compiled.match(t))]
            if bad:
                raise setting_error("tenant", f"tenant {bad[0]!r} does not match tenant.pattern", key=label)
        if self.allow_list is not None:
            outside = [t for t in self._warm() if t not in self.allow_list]
            if outside:
                raise setting_error(
                    "keep_warm",
                    f"keep-warm tenant {outside[0]!r} is not in tenant.allow_list",
                    key="keep_warm",
                )
        return self

    def _warm(self) -> list[str]:
        return self.keep_warm.tenants if self.keep_warm else []
