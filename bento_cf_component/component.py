"""``BentoCloudflare``: Bento on Cloudflare Containers behind a Worker, as one Pulumi component."""

from __future__ import annotations

from pathlib import Path

import pulumi

from bento_cf_component.errors import BentoCfConfigError
from bento_cf_component.patterns.bento_input import load_checked_bento
from bento_cf_component.patterns.request import declare_request_pattern
from bento_cf_component.settings import BentoCloudflareArgs, validate_settings
from bento_cf_component.settings.validate import CONFIG_NAMESPACE

TYPE_TOKEN = "bento-cf:index:BentoCloudflare"
# Rendered artifacts (image context, Worker bundle) live here, relative to the project root,
# so paths in resource inputs are the same on every machine.
BUILD_ROOT = Path(".bento-cf")

_COMING = {
    "queue": "the queue pattern is not available yet (coming in a later release); use pattern: request",
    "durable-object": (
        "the durable-object pattern is not available yet (coming in a later release); use pattern: request"
    ),
}


class BentoCloudflare(pulumi.ComponentResource):
    """A Worker in front of Bento containers on Cloudflare, wired in one of three patterns."""

    url: pulumi.Output[str]
    """The first address clients can call (custom domain, else workers.dev)."""
    urls: pulumi.Output[list[str]]
    """Every address clients can call."""
    worker_name: pulumi.Output[str]
    """The Worker script name."""
    image_ref: pulumi.Output[str]
    """The digest-pinned image the containers run."""
    application_id: pulumi.Output[str]
    """The container application id."""
    namespace_id: pulumi.Output[str]
    """The Durable Object namespace id of the container class."""

    def __init__(
        self,
        name: str,
        args: BentoCloudflareArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Validate everything before registering anything: bad input leaves nothing half-deployed.
        settings = validate_settings(args, project=pulumi.get_project(), stack=pulumi.get_stack())
        if settings.pattern in _COMING:
            raise BentoCfConfigError([f"{CONFIG_NAMESPACE}:pattern: {_COMING[settings.pattern]}"])
        bento = load_checked_bento(settings)

        super().__init__(TYPE_TOKEN, name, {}, opts)
        outputs = declare_request_pattern(
            name,
            settings=settings,
            bento=bento,
            build_dir=BUILD_ROOT / pulumi.get_stack() / name,
            parent=self,
        )
        self.url = outputs.url
        self.urls = outputs.urls
        self.worker_name = pulumi.Output.from_input(settings.worker_name)
        self.image_ref = outputs.image_ref
        self.application_id = outputs.application_id
        self.namespace_id = outputs.namespace_id
        self.register_outputs(
            {
                "url": self.url,
                "urls": self.urls,
                "worker_name": self.worker_name,
                "image_ref": self.image_ref,
                "application_id": self.application_id,
                "namespace_id": self.namespace_id,
            }
        )
