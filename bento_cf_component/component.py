"""``BentoCloudflare``: Bento on Cloudflare Containers behind a Worker, as one Pulumi component."""

import pulumi

from bento_cf_component.build_paths import BUILD_ROOT
from bento_cf_component.patterns.bento_input import CheckedBento, load_checked_bento
from bento_cf_component.patterns.container_worker import PatternOutputs
from bento_cf_component.settings import BentoCloudflareArgs, ComponentSettings, validate_settings
from bento_cf_component.settings.stack_config import StackConfigArgs

TYPE_TOKEN = "bento-cf:index:BentoCloudflare"


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
    queue_name: pulumi.Output[str | None]
    """Queue pattern: the queue producers send to (bind other Workers to it)."""
    dead_letter_queue_name: pulumi.Output[str | None]
    """Queue pattern: where messages go after max_retries."""

    def __init__(
        self,
        name: str,
        args: BentoCloudflareArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Validate everything before registering anything: bad input leaves nothing half-deployed.
        settings = validate_settings(
            args,
            project=pulumi.get_project(),
            stack=pulumi.get_stack(),
            from_stack_config=isinstance(args, StackConfigArgs),
        )
        # The durable-object pattern hands each container its tenant id, so the config may use it.
        is_tenant = settings.pattern == "durable-object"
        extra_env = frozenset({settings.tenant_settings.env_name} if is_tenant else ())
        bento = load_checked_bento(settings, extra_env=extra_env)

        super().__init__(TYPE_TOKEN, name, {}, opts)
        outputs = _declare_pattern(name, settings, bento, parent=self)
        self.url = outputs.url
        self.urls = outputs.urls
        self.worker_name = outputs.worker_name
        self.image_ref = outputs.image_ref
        self.application_id = outputs.application_id
        self.namespace_id = outputs.namespace_id
        is_queue = settings.pattern == "queue"
        self.queue_name = pulumi.Output.from_input(settings.queue_name if is_queue else None)
        self.dead_letter_queue_name = pulumi.Output.from_input(
            settings.dead_letter_queue_name if is_queue else None
        )
        self.register_outputs(
            {
                "url": self.url,
                "urls": self.urls,
                "worker_name": self.worker_name,
                "image_ref": self.image_ref,
                "application_id": self.application_id,
                "namespace_id": self.namespace_id,
                "queue_name": self.queue_name,
                "dead_letter_queue_name": self.dead_letter_queue_name,
            }
        )


def _declare_pattern(
    name: str, settings: ComponentSettings, bento: CheckedBento, *, parent: pulumi.Resource
) -> PatternOutputs:
    """Each pattern module chooses its parts; imported on use so one pattern loads only its code."""
    build_dir = BUILD_ROOT / pulumi.get_stack() / name
    if settings.pattern == "queue":
        from bento_cf_component.patterns.queue import declare_queue_pattern

        return declare_queue_pattern(name, settings=settings, bento=bento, build_dir=build_dir, parent=parent)
    if settings.pattern == "durable-object":
        from bento_cf_component.patterns.tenant import declare_tenant_pattern

        return declare_tenant_pattern(
            name, settings=settings, bento=bento, build_dir=build_dir, parent=parent
        )
    from bento_cf_component.patterns.request import declare_request_pattern

    return declare_request_pattern(name, settings=settings, bento=bento, build_dir=build_dir, parent=parent)
