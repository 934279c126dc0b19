"""Field types and helpers every settings model shares."""

from __future__ import annotations

import re
from typing import Annotated, Any

import pulumi
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The forms @cloudflare/containers accepts for sleepAfter.
_DURATION = re.compile(r"^\d+[smh]$")
HTTP_HEADER = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")


def setting_error(code: str, message: str, key: str | None = None) -> PydanticCustomError:
    """A validation error; ``key`` names the offending field below the validator's location."""
    return PydanticCustomError(code, message, {"key": key} if key else None)


def _input_str(value: Any) -> Any:
    """A string or a Pulumi Output of one; Outputs are checked by the engine, not here."""
    if isinstance(value, pulumi.Output):
        return value
    if not isinstance(value, str) or not value:
        raise setting_error("input_str", "must be a non-empty string or a Pulumi Output")
    return value


InputStr = Annotated[Any, BeforeValidator(_input_str)]


def _duration(value: str) -> str:
    if not _DURATION.match(value):
        raise setting_error("duration", "must be a duration such as 30s, 10m or 1h")
    return value


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise setting_error("env_name", "must be a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]
Duration = Annotated[str, AfterValidator(_duration)]


_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@/{}-]*$")


def _path(value: str) -> str:
    if not _PATH.match(value):
        raise setting_error("path", f"{value!r} must be a URL path starting with /")
    return value


UrlPath = Annotated[str, AfterValidator(_path)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def duration_seconds(duration: str) -> int:
    """Seconds in a duration such as ``30s``, ``10m`` or ``1h`` (validated by ``Duration``)."""
    return int(duration[:-1]) * {"s": 1, "m": 60, "h": 3600}[duration[-1]]
