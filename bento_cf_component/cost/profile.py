"""How long containers run and how busy their CPU is: the assumptions a cost estimate needs.

Given on the command line (``--active-hours-per-day``) or in a profile file (YAML or JSON)::

    # hours each running instance is awake per day: one number, or one per weekday
    active_hours_per_day: 8
    # week: {mon: 12, tue: 12, wed: 12, thu: 12, fri: 12, sat: 0, sun: 0}
    cpu_utilisation: 0.3      # share of the provisioned vCPU actually used while awake (0 < u <= 1)
    running_instances: 2      # how many instances are awake at once (default: instances.count)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bento_cf_component.errors import BentoCfConfigError

DAYS_PER_MONTH = Decimal("365.25") / Decimal("12")
"""30.4375 days: the average month (a 30-day month under-counts a year by 5.25 days)."""
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
DEFAULT_ACTIVE_HOURS_PER_DAY = Decimal("24")
"""Running all day, every day: an upper bound until you know better (containers sleep when idle)."""
DEFAULT_CPU_UTILISATION = Decimal("1")
"""CPU is billed on active usage only; until you have measured yours, assume the vCPU is busy."""
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PROFILE_KEYS = ("active_hours_per_day", "week", "cpu_utilisation", "running_instances")


@dataclass(frozen=True)
class ActivityProfile:
    """Average awake hours per day of each running instance, CPU share used, instances awake."""

    active_hours_per_day: Decimal = DEFAULT_ACTIVE_HOURS_PER_DAY
    cpu_utilisation: Decimal = DEFAULT_CPU_UTILISATION
    running_instances: int | None = None
    """``None``: the stack's ``instances.count``."""
    origin: str = "default (24 h/day, CPU 100%)"

    @property
    def hours_per_month(self) -> Decimal:
        return self.active_hours_per_day * DAYS_PER_MONTH


def _decimal(value: Any, key: str, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BentoCfConfigError([f"{where}: {key}: must be a number (got {value!r})"])
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BentoCfConfigError([f"{where}: {key}: must be a number (got {value!r})"]) from None
    if not number.is_finite():
        raise BentoCfConfigError([f"{where}: {key}: must be a finite number (got {value!r})"])
    return number


def hours_per_day(value: Any, key: str, where: str) -> Decimal:
    hours = _decimal(value, key, where)
    if not 0 <= hours <= 24:
        raise BentoCfConfigError([f"{where}: {key}: must be between 0 and 24 hours (got {value!r})"])
    return hours


def cpu_utilisation(value: Any, key: str, where: str) -> Decimal:
    share = _decimal(value, key, where)
    if not 0 < share <= 1:
        raise BentoCfConfigError(
            [f"{where}: {key}: must be a share of the vCPU, above 0 and at most 1 (got {value!r})"]
        )
    return share


def load_profile(path: Path) -> ActivityProfile:
    """Read a profile file; one ``BentoCfConfigError`` line per problem, naming the key."""
    where = f"profile {path}"
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise BentoCfConfigError([f"{where}: cannot read it ({exc.strerror})"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise BentoCfConfigError([f"{where}: not valid YAML{line}"]) from None
    if not isinstance(document, dict):
        raise BentoCfConfigError([f"{where}: expected a mapping with {', '.join(_PROFILE_KEYS)}"])
    unknown = sorted(str(k) for k in document if k not in _PROFILE_KEYS)
    if unknown:
        raise BentoCfConfigError(
            [f"{where}: {unknown[0]}: unknown key; known keys: {', '.join(_PROFILE_KEYS)}"]
        )
    if "active_hours_per_day" in document and "week" in document:
        raise BentoCfConfigError([f"{where}: week: give either active_hours_per_day or week, not both"])

    hours = DEFAULT_ACTIVE_HOURS_PER_DAY
    if "active_hours_per_day" in document:
        hours = hours_per_day(document["active_hours_per_day"], "active_hours_per_day", where)
    elif "week" in document:
        hours = _week(document["week"], where)
    share = DEFAULT_CPU_UTILISATION
    if "cpu_utilisation" in document:
        share = cpu_utilisation(document["cpu_utilisation"], "cpu_utilisation", where)
    running: int | None = None
    if "running_instances" in document:
        raw = document["running_instances"]
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise BentoCfConfigError(
                [f"{where}: running_instances: must be a whole number >= 1 (got {raw!r})"]
            )
        running = raw
    return ActivityProfile(hours, share, running, origin=str(path))


def _week(value: Any, where: str) -> Decimal:
    if not isinstance(value, dict) or set(value) != set(WEEKDAYS):
        raise BentoCfConfigError([f"{where}: week: must map each of {', '.join(WEEKDAYS)} to hours awake"])
    total = sum((hours_per_day(value[day], f"week.{day}", where) for day in WEEKDAYS), Decimal(0))
    return total / 7
