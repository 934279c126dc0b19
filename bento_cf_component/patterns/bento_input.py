"""Load the user's Bento config (file or inline) and check it for the chosen pattern."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import yaml

from bento_cf_component.bento import BentoCheckResult, check_bento_config
from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.patterns.bento_override import bento_config_override_path
from bento_cf_component.settings.model import ComponentSettings
from bento_cf_component.settings.validate import CONFIG_NAMESPACE


@dataclass(frozen=True)
class CheckedBento:
    text: str
    """The config exactly as it goes into the image."""
    origin: str
    result: BentoCheckResult


def load_checked_bento(
    settings: ComponentSettings, *, extra_env: frozenset[str] = frozenset()
) -> CheckedBento:
    """Read and check the Bento config; raise ``BentoCfConfigError`` with one line per problem."""
    source = settings.bento
    override = bento_config_override_path()
    config_path = override or source.config
    if config_path is not None:
        path = Path(config_path)
        try:
            text = path.read_text()
        except OSError as exc:
            raise BentoCfConfigError(
                [
                    f"{CONFIG_NAMESPACE}:bento.config: cannot read {config_path} ({exc.strerror}); "
                    "give a path relative to the program folder"
                ]
            ) from None
        origin = config_path
    else:
        text = yaml.safe_dump(source.inline, sort_keys=False)
        origin = f"{CONFIG_NAMESPACE}:bento.inline"

    declared = frozenset(settings.container.env) | frozenset(settings.container.secrets) | extra_env
    result = check_bento_config(text, origin=origin, pattern=settings.pattern, declared_env=declared)
    if not result.ok:
        raise BentoCfConfigError(str(problem) for problem in result.problems)
    for warning in result.warnings:
        pulumi.log.warn(str(warning))
    return CheckedBento(text=text, origin=origin, result=result)
