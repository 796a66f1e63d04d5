"""The files the app offers for download, as a test reads them: AppTest drops its media store after each run,
so the store is kept for the test."""

from __future__ import annotations

import pytest


@pytest.fixture
def offered(monkeypatch):
    """A function giving the file a download button (found by the end of its key) offered in an app run: its
    ``filename`` and ``content``."""
    from streamlit.runtime.memory_media_file_storage import MemoryFile, MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores: list[MemoryMediaFileStorage] = []

    class KeptStorage(MemoryMediaFileStorage):
        def __init__(self, media_endpoint: str) -> None:
            super().__init__(media_endpoint)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", KeptStorage)

    def file(app, key: str) -> MemoryFile:
        [button] = [b for b in app.get("download_button") if b.proto.id.endswith(key)]
        return stores[-1].get_file(button.proto.url.rsplit("/", 1)[-1])

    return file
