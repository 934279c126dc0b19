"""The emulator's error answer (shared by the Workers, Containers and Queues parts)."""

from __future__ import annotations


class ApiFailure(Exception):
    """An error answer: HTTP status plus Cloudflare's ``errors`` list.

    ``code=None``: the code is not documented, so none is sent. ``bare=True``: the containers
    dialect ``{"error": "<message>"}`` instead of the envelope (workers-sdk#9846).
    """

    def __init__(
        self,
        status: int,
        code: int | None,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        bare: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = [{"code": code, "message": message} if code is not None else {"message": message}]
        self.headers = headers or {}
        self.bare = bare
