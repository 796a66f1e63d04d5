"""Shared fixtures: cheap password hashing in this process; databases and sandboxes come from their plugins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from syndicator.users import PRODUCTION_HASHER, use_password_hasher

# the databases (``database_url``, ``engine``, ``module_database_url``), the module-scoped sandboxes behind
# the ``sandboxes`` fixture, the app's downloads (``offered``) and the app served for a browser (``served_app``)
pytest_plugins = [
    "tests.support.databases", "tests.support.sandboxes", "tests.support.downloads", "tests.support.browser",
]

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hasher() -> Iterator[None]:
    """Passwords hashed at argon2's lowest cost in this process (the app under AppTest included): the UI
    tests seed four logins each. Programs the tests start as subprocesses keep the production cost."""
    use_password_hasher(CHEAP_HASHER)
    yield
    use_password_hasher(PRODUCTION_HASHER)


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path_factory, monkeypatch) -> None:
    """Each test's data folder (key file, feeds, locks) is its own, never the checkout's ``./data``: logging in
    to the app signs a cookie with the data folder's key. A test may point it elsewhere."""
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path_factory.mktemp("data")))
