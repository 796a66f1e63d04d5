"""Request signing for partner floors.

The signed text is five lines: the API key, the timestamp, the HTTP method, the raw path with its
query string exactly as sent, and the lowercase hex SHA-256 of the body (of nothing, for a GET).
HMAC-SHA256 keyed with the API secret, encoded as the profile says (hex or base64).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from adapters.partner.profile import Auth


def signed_text(api_key: str, timestamp: str, method: str, raw_path: str, body: bytes) -> str:
    return "\n".join((api_key, timestamp, method.upper(), raw_path, hashlib.sha256(body).hexdigest()))


def sign(auth: Auth, secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    return digest.hex() if auth.signature_encoding == "hex" else base64.b64encode(digest).decode()


def timestamp(auth: Auth, at: float | None = None) -> str:
    seconds = time.time() if at is None else at
    return str(int(seconds * 1000)) if auth.timestamp_unit == "ms" else str(int(seconds))


def seconds_of(auth: Auth, stamp: str) -> float:
    """The epoch seconds a timestamp header names; raises ``ValueError`` when it is not a number."""
    value = int(stamp)
    return value / 1000 if auth.timestamp_unit == "ms" else float(value)


def signature_matches(auth: Auth, secret: str, text: str, given: str) -> bool:
    return hmac.compare_digest(sign(auth, secret, text), given)
