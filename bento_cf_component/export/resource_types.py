"""The type tokens of the resources a plan records, as the engine spells them."""

from __future__ import annotations

COMPONENT = "bento-cf:index:BentoCloudflare"
WORKER_SCRIPT = "pulumi-python:dynamic/bentocf:WorkerScript"
CONTAINER_APPLICATION = "pulumi-python:dynamic/bentocf:ContainerApplication"
REGISTRY_CREDENTIALS = "pulumi-python:dynamic/bentocf:RegistryCredentials"
DOCKER_IMAGE = "docker:index/image:Image"
CUSTOM_DOMAIN = "cloudflare:index/workersCustomDomain:WorkersCustomDomain"
ROUTE = "cloudflare:index/workersRoute:WorkersRoute"
WORKERS_DEV = "cloudflare:index/workersScriptSubdomain:WorkersScriptSubdomain"
QUEUE = "cloudflare:index/queue:Queue"
QUEUE_CONSUMER = "pulumi-python:dynamic/bentocf:QueueConsumer"
CRON_TRIGGER = "cloudflare:index/workersCronTrigger:WorkersCronTrigger"
