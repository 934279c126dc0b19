"""Export a planned component to other tools' configuration (``bento-cf export``)."""

from bento_cf_component.export.component_resources import ComponentResources, select_component
from bento_cf_component.export.wrangler_config import WranglerConfig, wrangler_config

__all__ = ["ComponentResources", "WranglerConfig", "select_component", "wrangler_config"]
