"""The Bento container image: rendered build context, and its build-and-push or prebuilt reference."""

from bento_cf_component.image.context import ImageContext, render_image_context
from bento_cf_component.image.declare import declare_image

__all__ = ["ImageContext", "declare_image", "render_image_context"]
