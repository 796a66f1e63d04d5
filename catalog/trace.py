"""Where a product's or a lot's public trace page lives: ``SYNDICATOR_PUBLIC_URL`` + ``/t/{code}``."""

from __future__ import annotations

from catalog.settings import settings

LOCAL_URL = "http://127.0.0.1:8600"  # `syndicator serve`'s own default address


def trace_url(code: str, base: str | None = None) -> str:
    """The page's address under ``base``, else ``SYNDICATOR_PUBLIC_URL``, else this machine's."""
    return f"{(base or settings().public_url or LOCAL_URL).rstrip('/')}/t/{code}"


def public_base() -> str | None:
    """Where shoppers anywhere reach the pages (a listing's description), or ``None`` while the service has no
    public address: a listing never links to this machine. Read once for many pages."""
    return settings().public_url
