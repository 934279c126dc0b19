"""Render the image's build context (Dockerfile + Bento config) to a stable folder.

The folder path is relative to the project and the same on every machine, and the tag is a hash
of the rendered files, so an unchanged config gives an unchanged plan: no rebuild, no push, no
perma-diff from temporary paths.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

DOCKERFILE = "Dockerfile"
CONFIG_FILE = "bento.yaml"
# Cloudflare Containers run linux/amd64 only; a laptop's default (arm64) would not start.
PLATFORM = "linux/amd64"


@dataclass(frozen=True)
class ImageContext:
    directory: Path
    """Where the context was written (relative to the project root)."""
    dockerfile: str
    config: str
    tag: str
    """Content hash of the rendered context: unchanged files, unchanged tag."""


def render_dockerfile(base_image: str, port: int) -> str:
    return (
        "# Rendered by bento-cf from your Bento config; regenerated on every plan, do not edit.\n"
        f"FROM --platform={PLATFORM} {base_image}\n"
        # Cloudflare has no volume mounts: the config is baked into the image.
        f"COPY {CONFIG_FILE} /bento.yaml\n"
        f"EXPOSE {port}\n"
        'CMD ["-c", "/bento.yaml"]\n'
    )


def render_image_context(directory: Path, *, base_image: str, port: int, config_text: str) -> ImageContext:
    dockerfile = render_dockerfile(base_image, port)
    digest = hashlib.sha256()
    for name, text in ((DOCKERFILE, dockerfile), (CONFIG_FILE, config_text)):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    directory.mkdir(parents=True, exist_ok=True)
    _write_if_changed(directory / DOCKERFILE, dockerfile)
    _write_if_changed(directory / CONFIG_FILE, config_text)
    return ImageContext(directory, dockerfile, config_text, digest.hexdigest()[:16])


def _write_if_changed(path: Path, text: str) -> None:
    # Leave unchanged files alone so their timestamps do not churn docker's context checks.
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
