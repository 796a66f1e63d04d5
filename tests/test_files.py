"""What we write on disk is readable by our own user only: the data folder, the database and its journal
files, the key, and the feed, image and lock folders, whatever the usual umask would allow."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.coops import add_coop
from catalog.db import make_engine, session_scope
from catalog.sample import draw_images
from syndicator.channels import connect_feed
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.locks import shop_lock
from tests.support.sandboxes import seed_catalogue


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data(tmp_path, monkeypatch) -> Iterator[Path]:
    """A data folder that does not exist yet, made by ``syndicator init`` under the usual umask 022."""
    folder = tmp_path / "du-lieu"
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(folder))
    monkeypatch.delenv("SYNDICATOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("SYNDICATOR_SECRET_KEY", raising=False)
    previous = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["init"])
        assert result.exit_code == 0, result.output
        yield folder
    finally:
        os.umask(previous)


def test_init_creates_the_data_folder_database_and_key_for_their_owner_only(data):
    assert mode(data) == 0o700
    assert mode(data / "syndicator.db") == 0o600
    assert mode(data / "secret.key") == 0o600


def test_the_database_journal_files_are_for_their_owner_only(data):
    engine = make_engine()
    try:
        with session_scope(engine) as session:
            add_coop(session, "HTX-TANCUONG", "HTX Chè Tân Cương")
            session.flush()
            journals = [data / "syndicator.db-wal", data / "syndicator.db-shm"]
            assert [mode(path) for path in journals] == [0o600, 0o600]
    finally:
        engine.dispose()


def test_feed_image_and_lock_folders_are_for_their_owner_only(data):
    engine = make_engine()
    try:
        seed_catalogue(engine)
        connect_feed(engine, "HTX-TANCUONG", "voso", publish_all=True)
        (feed,) = run_sync(engine).feeds
        with shop_lock(engine, "gian-hang-1") as taken:
            assert taken
        draw_images()
    finally:
        engine.dispose()

    assert Path(feed.full_path).parent == data / "feeds"
    folders = [data / "feeds", data / "locks", data / "images", data / "images" / "sample"]
    assert [mode(folder) for folder in folders] == [0o700] * 4
