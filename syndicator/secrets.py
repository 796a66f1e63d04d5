"""Shop credentials encrypted at rest with Fernet (``cryptography``).

The key comes from ``SYNDICATOR_SECRET_KEY`` or, failing that, from ``<data dir>/secret.key``, created
with mode 0600 by ``syndicator init``. Decrypted values live only in memory, as ``SecretStr``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from adapters.common.contract import ShopCredentials
from catalog.db import data_dir, private_folder
from catalog.i18n import t
from catalog.settings import env_name, settings

KEY_ENV = env_name("secret_key")
KEY_FILE_NAME = "secret.key"


class SecretKeyMissing(RuntimeError):
    pass


def key_file() -> Path:
    return data_dir() / KEY_FILE_NAME


def ensure_key_file() -> Path | None:
    """Create the key file (mode 0600) unless the key comes from the environment or the file exists."""
    if settings().secret_key is not None:
        return None
    path = key_file()
    if path.exists():
        return path
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(Fernet.generate_key())
    return path


def secret_key() -> bytes:
    """The key from ``SYNDICATOR_SECRET_KEY`` or the key file (it also signs the app's session cookies)."""
    secret = settings().secret_key
    if secret is not None:
        return secret.get_secret_value().encode()
    path = key_file()
    if not path.exists():
        raise SecretKeyMissing(t("secret_key_missing", env=KEY_ENV, path=path))
    return path.read_text().strip().encode()


def _fernet() -> Fernet:
    return Fernet(secret_key())


def encrypt_credentials(credentials: ShopCredentials) -> str:
    data = credentials.model_dump(mode="json")
    for name in ("app_secret", "access_token", "refresh_token"):
        secret = getattr(credentials, name)
        data[name] = secret.get_secret_value() if secret is not None else None
    return _fernet().encrypt(json.dumps(data).encode()).decode()


def decrypt_credentials(token: str) -> ShopCredentials:
    try:
        plain = _fernet().decrypt(token.encode())
    except InvalidToken:
        raise SecretKeyMissing(t("secret_key_mismatch")) from None
    return ShopCredentials.model_validate_json(plain)
