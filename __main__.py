"""The stack-config-driven program: everything comes from `bento-cf:*` in stacks/Pulumi.<stack>.yaml."""

import pulumi

from bento_cf_component import BentoCloudflare, args_from_stack_config

bento = BentoCloudflare("bento", args_from_stack_config())

pulumi.export("url", bento.url)
pulumi.export("urls", bento.urls)
pulumi.export("worker_name", bento.worker_name)
pulumi.export("image_ref", bento.image_ref)
pulumi.export("application_id", bento.application_id)
pulumi.export("namespace_id", bento.namespace_id)
