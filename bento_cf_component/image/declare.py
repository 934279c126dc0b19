"""Declare the image: build and push from the rendered context, or use a prebuilt reference.

Either way the container application receives a digest-pinned reference (``repo@sha256:…``),
never a mutable tag.
"""

from __future__ import annotations

import pulumi
import pulumi_docker as docker

from bento_cf_component.cloudflare.registry_credentials import RegistryCredentials
from bento_cf_component.image.context import DOCKERFILE, PLATFORM, ImageContext

REGISTRY = "registry.cloudflare.com"


def declare_image(
    name: str,
    *,
    account_id: pulumi.Input[str],
    repository: str,
    context: ImageContext | None,
    prebuilt_ref: str | None,
    parent: pulumi.Resource,
) -> pulumi.Output[str]:
    """Return the digest-pinned image reference the container application should run."""
    if prebuilt_ref is not None:
        return pulumi.Output.from_input(prebuilt_ref)
    if context is None:
        raise ValueError("an image context is required when no prebuilt reference is given")
    child = pulumi.ResourceOptions(parent=parent)
    # Minted only when the tag changes, i.e. right before a push; expire soon after.
    credentials = RegistryCredentials(
        f"{name}-registry-credentials",
        account_id=account_id,
        image_tag=context.tag,
        opts=child,
    )
    image = docker.Image(
        f"{name}-image",
        image_name=pulumi.Output.concat(REGISTRY, "/", account_id, "/", repository, ":", context.tag),
        build=docker.DockerBuildArgs(
            context=context.directory.as_posix(),
            dockerfile=(context.directory / DOCKERFILE).as_posix(),
            platform=PLATFORM,
        ),
        registry=docker.RegistryArgs(
            server=REGISTRY,
            username=credentials.username,
            password=credentials.password,
        ),
        opts=child,
    )
    return image.repo_digest
