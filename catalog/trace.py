"""Where a product's or a lot's public trace page lives: ``SYNDICATOR_PUBLIC_URL`` + ``/t/{code}``."""

from __future__ import annotations

from catalog.settings import settings


def trace_url(code: str) -> str:
    return f"{settings().public_url.rstrip('/')}/t/{code}"
