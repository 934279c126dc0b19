"""Compose BentoCloudflare's queue pattern with a queue this program already manages.

The main queue is an ordinary `cloudflare.Queue` declared here (other producers in the
program bind to it too); the component references it by name (`create: False`) and creates
only its dead-letter queue and the consumer.
"""

import pulumi
import pulumi_cloudflare as cloudflare

from bento_cf_component import BentoCloudflare

config = pulumi.Config()
account_id = config.require("account_id")

events = cloudflare.Queue("events", account_id=account_id, queue_name="shop-events")

bento = BentoCloudflare(
    "events",
    {
        "account_id": account_id,
        "pattern": "queue",
        "bento": {"config": "bento.yaml"},
        "container": {"instance_type": "basic", "max_instances": 4},
        "queue": {
            "name": "shop-events",
            "create": False,
            "max_batch_size": 50,
            "max_batch_timeout": 5,
            "max_retries": 5,
            "retry_delay": 30,
        },
        "access": {"token": config.require_secret("ingest_token")},
    },
    opts=pulumi.ResourceOptions(depends_on=[events]),
)

pulumi.export("ingest_url", bento.url.apply(lambda url: f"{url}/ingest"))
pulumi.export("queue", bento.queue_name)
pulumi.export("dead_letter_queue", bento.dead_letter_queue_name)
