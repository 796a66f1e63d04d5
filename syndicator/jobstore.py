"""The scheduler's job store: APScheduler 3 jobs kept in the ``scheduled_job`` table as plain data.

A job is stored as its function's name (``module:name``), JSON arguments, its trigger's fields and its
options, never as a pickle, so a row in the table cannot carry code. A row is loaded only when it names one
of the functions the store was given: any other row is refused, logged and removed, and never runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import datetime_to_utc_timestamp, obj_to_ref, utc_timestamp_to_datetime
from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError
from sqlalchemy.engine import Engine

from catalog.i18n import t
from catalog.models import ScheduledJob

JOBS = ScheduledJob.__table__
log = logging.getLogger("syndicator.schedule")


class StoredTrigger(BaseModel):
    """A cron trigger by its field expressions, or an interval by its length in seconds."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["cron", "interval"]
    timezone: str
    fields: dict[str, str] = {}
    seconds: float | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    jitter: int | None = None


class StoredJob(BaseModel):
    """``scheduled_job.job_state``: all of a job but its id and next run time (columns of their own)."""

    model_config = ConfigDict(extra="forbid")

    func: str
    name: str
    args: list[JsonValue]
    kwargs: dict[str, JsonValue]
    trigger: StoredTrigger
    executor: str
    coalesce: bool
    misfire_grace_time: int | None
    max_instances: int


class RefusedJob(ValueError):
    """A stored row that is not a job of ours."""


def _plain_trigger(trigger: BaseTrigger) -> StoredTrigger:
    dates = {"timezone": str(trigger.timezone), "start_date": trigger.start_date,
             "end_date": trigger.end_date, "jitter": trigger.jitter}
    if isinstance(trigger, CronTrigger):
        fields = {field.name: str(field) for field in trigger.fields if not field.is_default}
        return StoredTrigger(type="cron", fields=fields, **dates)
    if isinstance(trigger, IntervalTrigger):
        return StoredTrigger(type="interval", seconds=trigger.interval_length, **dates)
    raise ValueError(f"the job store keeps cron and interval triggers only, not {trigger!r}")


def _trigger(stored: StoredTrigger) -> BaseTrigger:
    dates = {"timezone": ZoneInfo(stored.timezone), "start_date": stored.start_date,
             "end_date": stored.end_date, "jitter": stored.jitter}
    if stored.type == "cron":
        return CronTrigger(**stored.fields, **dates)
    return IntervalTrigger(seconds=stored.seconds, **dates)


class ScheduledJobStore(BaseJobStore):
    """Jobs in the application's database, limited to ``functions``."""

    def __init__(self, engine: Engine, functions: Iterable[Callable[..., Any]]):
        super().__init__()
        self.engine = engine
        self.allowed = frozenset(obj_to_ref(function) for function in functions)

    # ------------------------------------------------------------ reading

    def lookup_job(self, job_id: str) -> Job | None:
        return next(iter(self._jobs(JOBS.c.id == job_id)), None)

    def get_due_jobs(self, now: datetime) -> list[Job]:
        return self._jobs(JOBS.c.next_run_time <= datetime_to_utc_timestamp(now))

    def get_next_run_time(self) -> datetime | None:
        with self.engine.connect() as connection:
            earliest = connection.execute(sa.select(sa.func.min(JOBS.c.next_run_time))).scalar()
        return utc_timestamp_to_datetime(earliest)

    def get_all_jobs(self) -> list[Job]:
        jobs = self._jobs()
        self._fix_paused_jobs_sorting(jobs)
        return jobs

    def _jobs(self, *conditions: Any) -> list[Job]:
        """The jobs matching ``conditions`` by next run time; rows that are not jobs of ours are removed."""
        query = sa.select(JOBS.c.id, JOBS.c.next_run_time, JOBS.c.job_state).where(*conditions)
        jobs, refused = [], []
        with self.engine.begin() as connection:
            for row in connection.execute(query.order_by(JOBS.c.next_run_time)):
                try:
                    jobs.append(self._job(row.id, row.next_run_time, row.job_state))
                except RefusedJob as exc:
                    log.error(t("job_refused", job=repr(row.id), reason=exc))
                    refused.append(row.id)
            if refused:
                connection.execute(JOBS.delete().where(JOBS.c.id.in_(refused)))
        return jobs

    def _job(self, job_id: str, next_run_time: float | None, state: Any) -> Job:
        try:
            stored = StoredJob.model_validate(state)
        except ValidationError as exc:
            raise RefusedJob(f"not a plain job: {exc.error_count()} problem(s)") from None
        if stored.func not in self.allowed:  # checked before the reference is imported
            raise RefusedJob(f"{stored.func!r} is not one of the scheduler's jobs")
        try:
            trigger = _trigger(stored.trigger)
        except (ValueError, TypeError, KeyError) as exc:
            raise RefusedJob(f"unreadable trigger: {exc}") from None
        runs_at = None if next_run_time is None else datetime.fromtimestamp(next_run_time, trigger.timezone)
        job = Job.__new__(Job)
        job.__setstate__(stored.model_dump(exclude={"trigger"}) | {
            "id": job_id, "trigger": trigger, "args": tuple(stored.args), "next_run_time": runs_at,
        })
        job._scheduler = self._scheduler
        job._jobstore_alias = self._alias
        return job

    # ------------------------------------------------------------ writing

    def _row(self, job: Job) -> dict[str, Any]:
        if job.func_ref not in self.allowed:
            raise ValueError(f"{job.func_ref!r} is not one of the scheduler's jobs")
        stored = StoredJob(
            func=job.func_ref, name=job.name, args=list(job.args), kwargs=dict(job.kwargs),
            trigger=_plain_trigger(job.trigger), executor=job.executor, coalesce=job.coalesce,
            misfire_grace_time=job.misfire_grace_time, max_instances=job.max_instances,
        )
        return {"next_run_time": datetime_to_utc_timestamp(job.next_run_time),
                "job_state": stored.model_dump(mode="json")}

    def add_job(self, job: Job) -> None:
        row = self._row(job)
        with self.engine.begin() as connection:
            try:
                connection.execute(JOBS.insert().values(id=job.id, **row))
            except sa.exc.IntegrityError:
                raise ConflictingIdError(job.id) from None

    def update_job(self, job: Job) -> None:
        row = self._row(job)
        with self.engine.begin() as connection:
            if connection.execute(JOBS.update().where(JOBS.c.id == job.id).values(**row)).rowcount == 0:
                raise JobLookupError(job.id)

    def remove_job(self, job_id: str) -> None:
        with self.engine.begin() as connection:
            if connection.execute(JOBS.delete().where(JOBS.c.id == job_id)).rowcount == 0:
                raise JobLookupError(job_id)

    def remove_all_jobs(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(JOBS.delete())
