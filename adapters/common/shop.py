"""What every shop adapter keeps around its wire protocol, written once: the shop's credentials, the
listener told of every change to them, the HTTP connection, and — for marketplaces that issue access
tokens — refreshing ahead of expiry and once (not once per call) when the marketplace refuses a token.

Each marketplace's folder keeps its own wire knowledge: paths, signing, token fields and lifetimes.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import ClassVar, TypeVar

import httpx

from adapters.common.contract import Adapter, CredentialsListener, ShopCredentials
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.http import MarketplaceHttp

T = TypeVar("T")


class ShopAdapter(Adapter):
    """One shop's credentials, its ``on_credentials`` listener (sync or async) and its HTTP connection."""

    def __init__(self, credentials: ShopCredentials, http: MarketplaceHttp,
                 on_credentials: CredentialsListener | None = None):
        self.credentials = credentials
        self.on_credentials = on_credentials
        self.http = http

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _keep(self, credentials: ShopCredentials) -> ShopCredentials:
        """Use ``credentials`` from now on and tell the listener, so they survive a restart."""
        self.credentials = credentials
        if self.on_credentials is not None:
            outcome = self.on_credentials(credentials)
            if inspect.isawaitable(outcome):
                await outcome
        return credentials


class TokenAdapter(ShopAdapter):
    """A shop reached with an access token that expires and is renewed by ``refresh_credentials``."""

    refresh_ahead: ClassVar[timedelta]

    def __init__(self, credentials: ShopCredentials, http: MarketplaceHttp,
                 on_credentials: CredentialsListener | None = None):
        super().__init__(credentials, http, on_credentials)
        self._refresh_lock = asyncio.Lock()

    def _access_token(self) -> str | None:
        token = self.credentials.access_token
        return token.get_secret_value() if token else None

    def _refresh_margin(self) -> timedelta:
        """How long before the access token expires it is renewed."""
        return self.refresh_ahead

    def _refresh_due(self) -> bool:
        expires_at = self.credentials.access_expires_at
        if expires_at is None or self.credentials.refresh_token is None:
            return False
        return datetime.now(UTC) >= expires_at - self._refresh_margin()

    async def _refresh_if_due(self) -> None:
        if self._refresh_due():
            await self._refresh_unless_done(self._access_token())

    async def _refresh_unless_done(self, refused: str | None) -> None:
        """Refresh once, under the shop's lock, unless another call already replaced the token."""
        async with self._refresh_lock:
            if self._access_token() == refused:
                await self.refresh_credentials()

    async def _send(self, build: Callable[[], httpx.Request], interpret: Callable[[httpx.Response], T]) -> T:
        """One shop call with retries; the token is refreshed ahead of expiry and once on refusal."""
        await self._refresh_if_due()
        refused = self._access_token()
        return await self.http.call(build, interpret, refresh=lambda: self._refresh_unless_done(refused))

    async def _send_unretried(self, build: Callable[[], httpx.Request],
                              interpret: Callable[[httpx.Response], T]) -> T:
        """One attempt (and one more after a token refresh): for calls not safe to repeat blindly."""
        await self._refresh_if_due()
        refused = self._access_token()
        try:
            return await self.http.send_once(build, interpret)
        except MarketplaceError as exc:
            if exc.kind is not ErrorKind.auth_expired:
                raise
            await self._refresh_unless_done(refused)
            return await self.http.send_once(build, interpret)
