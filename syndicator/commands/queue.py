"""``syndicator worker`` and ``syndicator jobs``: the job queue on PostgreSQL (``syndicator/tasks.py``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from syndicator.commands.database import open_database

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def open_queue_database() -> Engine:
    """The configured database, which must be PostgreSQL: the queue lives there (exit 2 otherwise)."""
    from catalog.i18n import t
    from syndicator.tasks import uses_queue

    engine = open_database()
    if not uses_queue(engine):
        Console(stderr=True).print(t("queue_needs_postgresql"))
        raise typer.Exit(2)
    return engine


def start_worker(concurrency: int, queues: list[str] | None, schedule: bool = True) -> None:
    from catalog.i18n import t
    from syndicator.tasks import run_worker

    shown = ", ".join(queues) if queues else t("queue_all")
    print(t("queue_worker_started", queues=shown, concurrency=concurrency), flush=True)
    run_worker(concurrency, queues, schedule)


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker_command(
        concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="số việc cùng lúc / jobs at once")] = 4,
        queues: Annotated[str | None, typer.Option(
            "--queues", help="hàng đợi, cách nhau bởi dấu phẩy (mặc định: tất cả) / queues, comma-separated")] = None,
        schedule: Annotated[bool, typer.Option(
            "--schedule/--no-schedule", help="worker này cũng xếp các việc định kỳ / this worker also defers the "
                                             "periodic tasks (once per period, whichever worker does)")] = True,
    ) -> None:
        """Chạy một worker của hàng đợi việc (PostgreSQL), đến khi dừng (Ctrl+C hoặc SIGTERM).
        Run a job-queue worker (PostgreSQL) until stopped; it also runs the schedule."""
        open_queue_database().dispose()
        start_worker(concurrency, [q.strip() for q in queues.split(",") if q.strip()] if queues else None, schedule)

    @app.command("jobs")
    def jobs_command(
        failed: Annotated[bool, typer.Option("--failed", help="việc thất bại và lỗi / failed jobs and errors")] = False,
        retry: Annotated[int | None, typer.Option("--retry", help="xếp lại một việc thất bại / queue a failed job "
                                                                  "again")] = None,
    ) -> None:
        """Hàng đợi việc: số việc chờ, đang chạy, thất bại. The job queue: depth, running jobs, failures."""
        from catalog.i18n import t
        from syndicator.tasks import jobs_in, queue_depth, retry_failed

        engine = open_queue_database()
        console = Console()
        if retry is not None:
            if not retry_failed(engine, retry):
                Console(stderr=True).print(t("jobs_not_failed", id=retry))
                raise typer.Exit(1)
            console.print(t("jobs_retried", id=retry))
            return
        if failed:
            _print_jobs(console, t("jobs_failed_title"), jobs_in(engine, "failed"), t("jobs_none_failed"))
            return
        table = Table(*(t(f"jobs_col_{c}") for c in ("queue", "waiting", "running", "failed")),
                      title=t("jobs_title"), title_justify="left")
        for row in queue_depth(engine):
            table.add_row(row["name"], str(row["todo"]), str(row["doing"]), str(row["failed"]))
        console.print(table)
        _print_jobs(console, t("jobs_running_title"), jobs_in(engine, "doing"), None)


def _print_jobs(console: Console, title: str, jobs: list, empty: str | None) -> None:
    from catalog.i18n import t

    if not jobs:
        if empty:
            console.print(empty)
        return
    table = Table(*(t(f"jobs_col_{c}") for c in ("id", "queue", "task", "args", "attempts", "error")),
                  title=title, title_justify="left")
    for job, error in jobs:
        table.add_row(str(job.id), job.queue, job.task_name, escape(json.dumps(job.task_kwargs, ensure_ascii=False)),
                      str(job.attempts), escape(error or ""))
    console.print(table)
