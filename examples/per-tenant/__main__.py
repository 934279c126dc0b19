"""A Bento container per tenant, tenants named in the first path segment: /t/<tenant>/post."""

import pulumi

from bento_cf_component import BentoCloudflare

config = pulumi.Config()

bento = BentoCloudflare(
    "tenants",
    {
        "account_id": config.require("account_id"),
        "pattern": "durable-object",
        "bento": {"config": "bento.yaml"},
        "container": {"instance_type": "lite", "max_instances": 50, "sleep_after": "10m"},
        "tenant": {
            "source": "path",
            "path_prefix": "/t",
            "keep_warm": {"tenants": ["acme"], "interval": "4m"},
        },
        "access": {
            "token": config.require_secret("access_token"),
            "admin_token": config.require_secret("admin_token"),
        },
    },
)

pulumi.export("url", bento.url)
