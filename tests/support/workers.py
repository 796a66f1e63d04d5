"""The job queue's tests run on the local PostgreSQL (``SYNDICATOR_TEST_DATABASE_URL``): a migrated database of
their own, and ``syndicator worker`` processes started and stopped around them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.db import init_database
from syndicator.processes import stop_all
from tests.support.databases import PG_URL, new_database


@pytest.fixture
def queue_database(tmp_path, migrated_templates) -> Iterator[str]:
    """A new migrated PostgreSQL database (with procrastinate's tables); the test is skipped without a server."""
    if not PG_URL:
        pytest.skip("the job queue lives in PostgreSQL: set SYNDICATOR_TEST_DATABASE_URL")
    with new_database("postgresql", tmp_path, migrated_templates("postgresql")) as url:
        yield url


@pytest.fixture
def queue_engine(queue_database) -> Iterator[Engine]:
    engine = init_database(queue_database)
    yield engine
    engine.dispose()


class Workers:
    """``syndicator worker`` processes on one database, each logging to its own file."""

    def __init__(self, database_url: str, folder: Path, **env: str):
        self.env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_WORKER_HEARTBEAT_S": "2",
                    **env}
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def start(self, concurrency: int = 2, schedule: bool = True) -> subprocess.Popen:
        """A worker; without ``schedule`` it defers no periodic task (no scheduled pass joins the test's jobs)."""
        log = open(self.folder / f"worker-{len(self.processes) + 1}.log", "w")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "syndicator", "worker", "--concurrency", str(concurrency)]
        process = subprocess.Popen(command + ([] if schedule else ["--no-schedule"]),
                                   env=self.env, stdout=log, stderr=subprocess.STDOUT)
        process.log = log
        self.processes.append(process)
        return process

    def logs(self) -> list[str]:
        return [Path(process.log.name).read_text() for process in self.processes]

    def stop(self) -> None:
        stop_all(self.processes)
        for process in self.processes:
            process.log.close()


@contextmanager
def workers(database_url: str, folder: Path, **env: str) -> Iterator[Workers]:
    running = Workers(database_url, folder, **env)
    try:
        yield running
    finally:
        running.stop()


def jobs_left(engine: Engine) -> int:
    """Jobs waiting or running (successful ones are deleted by the workers)."""
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")).scalar()


def wait_until(done: Callable[[], bool], timeout: float, what: str, logs: Callable[[], list[str]] = list) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s\n" + "\n---\n".join(logs()))
        time.sleep(0.2)
