"""The Worker in front of the Bento containers: its bundle and its runtime settings."""

from bento_cf_component.worker.bundle import (
    COMPATIBILITY_DATE,
    COMPATIBILITY_FLAGS,
    WorkerBundle,
    WorkerBundleError,
    build_worker_bundle,
    install_command,
    write_worker_artifacts,
)
from bento_cf_component.worker.runtime_settings import (
    ACCESS_TOKEN_BINDING,
    CONTAINER_BINDING,
    CONTAINER_CLASS_NAME,
    SETTINGS_BINDING,
    RuntimeSettings,
)

__all__ = [
    "ACCESS_TOKEN_BINDING",
    "COMPATIBILITY_DATE",
    "COMPATIBILITY_FLAGS",
    "CONTAINER_BINDING",
    "CONTAINER_CLASS_NAME",
    "SETTINGS_BINDING",
    "RuntimeSettings",
    "WorkerBundle",
    "WorkerBundleError",
    "build_worker_bundle",
    "install_command",
    "write_worker_artifacts",
]
