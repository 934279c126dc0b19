"""Compose BentoCloudflare with another resource: a generated access token.

The token is a `random.RandomPassword` (a secret Output) handed straight to the component; it
never appears in plain text in the plan, the state or the logs.
"""

import pulumi
import pulumi_random as random

from bento_cf_component import BentoCloudflare

config = pulumi.Config()

token = random.RandomPassword("ingest-token", length=40, special=False)

bento = BentoCloudflare(
    "ingest",
    {
        "account_id": config.require("account_id"),
        "pattern": "request",
        "bento": {"config": "bento.yaml"},
        "container": {"instance_type": "lite", "max_instances": 3, "sleep_after": "10m"},
        "instances": {"count": 2},
        "routing": {"workers_dev": True},
        "access": {"token": token.result},
    },
)

pulumi.export("url", bento.url)
pulumi.export("token", token.result)
