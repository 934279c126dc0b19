"""What the official Cloudflare providers cannot express, as Pulumi dynamic resources over the
official ``cloudflare`` SDK: the container-enabled Worker upload (with its one migration), the
container application (create-or-adopt, rollouts), short-lived registry credentials and the
queue's Worker consumer (create-or-adopt).

See docs/cloudflare.md for the order of calls on the account and how to recover from a failed run.
"""

from bento_cf_component.cloudflare.container_application import ContainerApplication
from bento_cf_component.cloudflare.errors import CloudflareDeployError
from bento_cf_component.cloudflare.queue_consumer import QueueConsumer
from bento_cf_component.cloudflare.registry_credentials import RegistryCredentials
from bento_cf_component.cloudflare.worker_script import WorkerScript

__all__ = [
    "CloudflareDeployError",
    "ContainerApplication",
    "QueueConsumer",
    "RegistryCredentials",
    "WorkerScript",
]
