"""Marketplace failures, classified so the engine knows what to do with each.

- ``transient``: connection error, timeout, 5xx: retry with backoff.
- ``rate_limited``: the marketplace's own rate-limit answer: back off, then retry.
- ``auth_expired``: token unknown or expired: refresh once, then retry once. Raised past that (the
  refresh token itself refused), the shop must be authorised again.
- ``rejected``: the marketplace refused the request (with its field and reason): do not retry.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from catalog.i18n import t


class ErrorKind(StrEnum):
    transient = "transient"
    rate_limited = "rate_limited"
    auth_expired = "auth_expired"
    rejected = "rejected"


class ErrorInfo(BaseModel):
    """A marketplace error as plain data (safe to store and show: never holds a secret)."""

    kind: ErrorKind
    marketplace: str
    code: str = ""
    message: str = ""
    field: str | None = None
    request_id: str | None = None
    retry_after_s: float | None = None
    reason: str | None = None  # the readiness reason (adapters.common.readiness.Reason) a refusal amounts to

    @property
    def summary(self) -> str:
        """What went wrong, as a run's log and a listing's last error show it: kind (in the reader's language),
        code, message, field."""
        code = f" [{self.code}]" if self.code else ""
        where = f" ({self.field})" if self.field else ""
        said = f"{t(f'error_kind_{self.kind.value}')}{code}: {self.message}{where}"
        explained = " ".join(t(f"reason_{self.reason}", detail="").split()) if self.reason else ""
        return f"{explained} — {said}" if explained else said

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        code = f"{self.code}: " if self.code else ""
        return f"{self.marketplace} {self.kind.value}{where}: {code}{self.message}"


class MarketplaceError(Exception):
    """Raised by adapters; ``info`` says what kind of failure it is and what the marketplace said."""

    def __init__(self, info: ErrorInfo):
        super().__init__(str(info))
        self.info = info

    @property
    def kind(self) -> ErrorKind:
        return self.info.kind

    @property
    def retryable(self) -> bool:
        return self.info.kind in (ErrorKind.transient, ErrorKind.rate_limited)


def local_error(marketplace: str, code: str, message: str, field: str | None = None,
                kind: ErrorKind = ErrorKind.rejected) -> ErrorInfo:
    """An error the adapter finds itself, before or instead of a call, in the marketplace's own code."""
    return ErrorInfo(kind=kind, marketplace=marketplace, code=code, message=message, field=field)
