"""The marketplace sandboxes reached in-process: one transport that hands each request to the ASGI app of the
sandbox at its address, so a sync's calls cost no socket, no TLS set-up and no server thread."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx
from starlette.applications import Starlette

if TYPE_CHECKING:
    from tests.support.sandboxes import Sandbox


class SandboxRouter(httpx.AsyncBaseTransport):
    """Sends a request for a running sandbox's host and port to that sandbox's app, in this event loop; any
    other request (a picture on a web server, a sandbox stopped to play a marketplace that is down) goes over
    the network.

    ``sandboxes`` is read at each request: a test that restarts a sandbox puts the new one at a new port."""

    def __init__(self, sandboxes: Mapping[str, Sandbox]):
        self.sandboxes = sandboxes
        # no connection kept alive: every sync runs its own event loop, and a connection belongs to one
        self.network = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

    def _app_at(self, url: httpx.URL) -> Starlette | None:
        for sandbox in self.sandboxes.values():
            server = sandbox.server
            if server.thread.is_alive() and (url.host, url.port) == (server.host, server.port):
                return server.sandbox.app
        return None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        app = self._app_at(request.url)
        if app is None:
            return await self.network.handle_async_request(request)
        return await httpx.ASGITransport(app=app).handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing to close: every adapter's client closes its transport, and this one serves them all."""
