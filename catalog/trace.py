"""Where a product's or a lot's public trace page lives: ``SYNDICATOR_PUBLIC_URL`` + ``/t/{code}``."""

from __future__ import annotations

from catalog.settings import settings

LOCAL_URL = "http://127.0.0.1:8600"  # `syndicator serve`'s own default address


def trace_url(code: str) -> str:
    """The page's address; on this machine only while ``SYNDICATOR_PUBLIC_URL`` is unset."""
    return f"{(settings().public_url or LOCAL_URL).rstrip('/')}/t/{code}"


def published_trace_url(code: str) -> str | None:
    """The page's address for shoppers anywhere (a listing's description), or ``None`` while the service has
    no public address: a listing never carries a link to this machine."""
    return trace_url(code) if settings().public_url else None
