"""The scale benchmark: ``python -m bench.scale [--shops N] [--products N] [--packs N] [--workers 1,2,4] [--json]``.

Syncs N shops (co-ops × every marketplace, each co-op ``--products`` products of ``--packs`` packs) through the
job queue on the local PostgreSQL (issue 20 §5): for each worker count, a new database with procrastinate's
tables, the sandboxes (real HTTP servers, each in its own process, at the marketplace's own rate limit and
``--latency-ms``; Shopee's variant wait as ``bench.sync``) emptied, the shops connected, then that many
``syndicator worker`` processes started and, once they are all waiting, one phase after another:

- *first push*: a ``sync_shop`` job for every shop (``defer_syncs``, as ``syndicator sync --queue``), timed
  until no job waits or runs: shops a minute, the ratio to the rate-limit bound, the scaling efficiency
  (throughput with k workers ÷ (k × throughput with one));
- *price change*: every SKU's price raised, a job for every shop again: the engine's CPU per 1,000 listing
  updates (the actions the runs' ``SyncRun`` summaries count as done, one a pack), less an idle pass's;
- *no change*: a job for every shop with nothing to do: the CPU of an idle shop pass;
- *orders*: one shopper's order on each shop of the first marketplace, then a job for each of those shops;
  their pass pulls the order and fans its stock out as ``push_stock`` jobs: the CPU per order, less what the
  same shops' idle passes cost.

The default is 50 shops (10 co-ops × 5 marketplaces), so that the three worker counts run in about six
minutes on a two-core machine: 200 shops (``--shops 200``, the issue's size) take about four times as long,
as one worker's four job slots need seven minutes for the first push by the rate limits alone.

The rate-limit bound of the first push is ``bench.sync``'s for one shop (every call its creates make, at its
marketplace's documented rate, and one Shopee variant wait); with at least as many job slots (workers ×
``--concurrency``) as shops, every shop runs at once and the slowest shop's bound is the run's. With fewer
slots, a slot runs one shop after another, so the run takes at least the shops' bounds summed over the slots:
the bound is the larger of the two.

CPU is read from ``/proc``: user + system time of the worker processes (the engine's own), of the sandboxes
(this process's children), of PostgreSQL's processes serving the run's database, of this process, and the
whole machine's busy time (``/proc/stat``); what is left of the machine's is ``others``, anything else running
on it. So the report shows which of them holds the cores while the shops sync, and how many first pushes a
minute the cores could run were CPU all that held them back. From the engine's CPU in the one-worker run it
estimates the cores ``--estimate-shops`` shops need at a pass every ``--cadence-min`` minutes, each pass an
idle pass plus ``--updates-per-pass`` listing updates (a pack's price or stock), and ``bench.soak``'s sales a
shop a day, each an order pulled and its stock pushed as the orders phase did (``push_stock_jobs_per_order``
says to how many shops); PostgreSQL's cores beside them, by the same sums.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.registry import names
from bench.common import (
    MAX_PACKS,
    BenchCatalog,
    SandboxFleet,
    build_catalog,
    connect_shops,
    print_report,
    raise_prices,
    scratch_database,
    use_scratch_data_dir,
)
from bench.soak import SALES_PER_SHOP_DAY
from bench.sync import PRICE_STEP, first_push_bounds
from catalog.db import init_database
from catalog.models import SyncRun
from syndicator.processes import stop_all

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WORKER_START_TIMEOUT_S = 120
PHASE_TIMEOUT_S = 1800
POLL_S = 0.25
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CPU_GROUPS = ("workers", "postgresql", "sandboxes", "bench")


# --- CPU, from /proc ---------------------------------------------------------------------------------------


def process_cpu_s(pid: int) -> tuple[str, int, float] | None:
    """A live process's name, parent and user + system CPU seconds (``/proc/<pid>/stat``); None once gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_s() -> float:
    """All cores' busy seconds since boot (``/proc/stat``: everything but idle and iowait is busy)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLOCK_TICKS


def serves_database(pid: int, database: str) -> bool:
    """Whether a PostgreSQL process works for ``database``: a client's backend of it (its title names the
    database and the client's address), or one of the server's own processes, which serve every database."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return False
    client = "(" in title or "[local]" in title
    return not client or f" {database} " in title


@dataclass
class CpuReading:
    """CPU seconds by process at one moment, and the machine's busy seconds."""

    by_pid: dict[int, tuple[str, float]]
    busy_s: float
    at: float

    @classmethod
    def now(cls, worker_pids: set[int], database: str) -> CpuReading:
        """Our workers, this process, its other children (the sandboxes) and the PostgreSQL server's processes
        that work for ``database``; everything else running on the machine is only in its busy seconds."""
        me, by_pid = os.getpid(), {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or (found := process_cpu_s(pid := int(entry.name))) is None:
                continue
            name, parent, cpu = found
            if pid in worker_pids:
                by_pid[pid] = ("workers", cpu)
            elif pid == me:
                by_pid[pid] = ("bench", cpu)
            elif parent == me:
                by_pid[pid] = ("sandboxes", cpu)
            elif name == "postgres" and serves_database(pid, database):
                by_pid[pid] = ("postgresql", cpu)
        return cls(by_pid, machine_busy_s(), time.monotonic())

    def since(self, before: CpuReading) -> dict[str, float]:
        """CPU seconds each group spent since ``before`` (a process started since counts whole; one gone since
        is lost, which only PostgreSQL's short-lived backends can be), the machine's, what else ran on the
        machine meanwhile (``others``: other people's work), and the wall time."""
        spent: Counter = Counter()
        for pid, (group, cpu) in self.by_pid.items():
            spent[group] += cpu - before.by_pid.get(pid, (group, 0.0))[1]
        machine = self.busy_s - before.busy_s
        return {group: round(spent[group], 2) for group in CPU_GROUPS} | {
            "machine": round(machine, 2), "others": round(max(0.0, machine - spent.total()), 2),
            "wall_s": round(self.at - before.at, 2)}


# --- workers -----------------------------------------------------------------------------------------------


@dataclass
class WorkerFleet:
    """``count`` ``syndicator worker`` processes on one database, deferring none of the periodic tasks (a
    15-minute pass falling inside a run would queue every shop again), each logging to its own file."""

    database_url: str
    count: int
    concurrency: int
    folder: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def pids(self) -> set[int]:
        return {process.pid for process in self.processes}

    def start(self, engine: Engine) -> None:
        env = os.environ | {"SYNDICATOR_DATABASE_URL": self.database_url}
        for number in range(1, self.count + 1):
            with (self.folder / f"worker-{number}.log").open("w") as log:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "syndicator", "worker", "--concurrency", str(self.concurrency),
                     "--no-schedule"], env=env, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + WORKER_START_TIMEOUT_S
        while scalar(engine, "SELECT count(*) FROM procrastinate_workers") < self.count:
            if time.monotonic() > deadline or any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"the workers did not start; see {self.folder}/worker-*.log")
            time.sleep(POLL_S)

    def stop(self) -> None:
        stop_all(self.processes, grace_s=60)


@contextmanager
def running_workers(engine: Engine, database_url: str, count: int, concurrency: int, folder: Path
                    ) -> Iterator[WorkerFleet]:
    fleet = WorkerFleet(database_url, count, concurrency, folder)
    try:
        fleet.start(engine)
        yield fleet
    finally:
        fleet.stop()


def scalar(engine: Engine, sql: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def jobs_left(engine: Engine) -> int:
    """Jobs waiting or running, by ``syndicator jobs``'s own count (successful ones are deleted)."""
    from syndicator.tasks import queue_depth

    return sum(queue["todo"] + queue["doing"] for queue in queue_depth(engine))


def last_job_id(engine: Engine) -> int:
    """The id of the last job ever deferred: jobs are numbered one after another, and deleted once done."""
    return scalar(engine, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM procrastinate_jobs_id_seq")


def job_table(engine: Engine) -> dict[str, Any]:
    """What the job table holds after a run, and its size on disk with its indexes and TOAST."""
    with engine.connect() as conn:
        by_status = dict(conn.execute(sa.text(
            "SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status")).all())
        size = conn.execute(sa.text("SELECT pg_total_relation_size('procrastinate_jobs')")).scalar()
    return {"rows": sum(by_status.values()), "by_status": by_status, "bytes": size}


# --- phases ------------------------------------------------------------------------------------------------


@dataclass
class Phase:
    """One batch of jobs run by the workers until none waits or runs."""

    name: str
    shops: int
    jobs: int  # every job the phase ran: the shops' syncs and the stock pushes their orders deferred
    wall_s: float
    cpu: dict[str, float]
    done: Counter  # actions done, by kind, as the runs' ``SyncRun`` summaries count them
    failed: Counter
    runs: dict[str, int]

    def figures(self) -> dict[str, Any]:
        return {"shops": self.shops, "jobs": self.jobs, "wall_s": self.wall_s,
                "actions_done": dict(self.done), "actions_failed": dict(self.failed), "runs": self.runs,
                "cpu_s": self.cpu}


def run_phase(name: str, engine: Engine, workers: WorkerFleet, marketplace: str | None = None) -> Phase:
    """A ``sync_shop`` job for every shop (of ``marketplace``), timed until the queue is empty; the CPU spent
    meanwhile and what the ``SyncRun`` rows written meanwhile say was done."""
    from syndicator.tasks import defer_syncs

    last_run = scalar(engine, "SELECT coalesce(max(id), 0) FROM syncrun")
    last_job = last_job_id(engine)
    database = engine.url.database
    before = CpuReading.now(workers.pids, database)
    deferred, _ = defer_syncs(engine, marketplace=marketplace)
    deadline = time.monotonic() + PHASE_TIMEOUT_S
    while jobs_left(engine):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: jobs still waiting after {PHASE_TIMEOUT_S} s")
        time.sleep(POLL_S)
    cpu = CpuReading.now(workers.pids, database).since(before)
    with engine.connect() as conn:
        runs = conn.execute(sa.select(SyncRun.status, SyncRun.summary).where(SyncRun.id > last_run)).all()
    done, failed = Counter(), Counter()
    for _, summary in runs:
        for shop in summary.get("shops", []):
            done.update(shop["ok"])
            failed.update(shop["failed"])
    return Phase(name, deferred, last_job_id(engine) - last_job, cpu["wall_s"], cpu, done, failed,
                 dict(Counter(status for status, _ in runs)))


def place_orders(fleet: SandboxFleet, marketplace: str) -> int:
    """One shopper's order of one unit of one pack on every shop of ``marketplace``; how many were placed."""
    first_row = {}
    for row in fleet.items(marketplace):
        if row["status"] == "live":
            first_row.setdefault(row["shop_id"], row)
    for shop_id, row in first_row.items():
        lines = [{"seller_sku": row["seller_sku"], "quantity": 1}]
        httpx.post(f"{fleet.urls[marketplace]}/_sandbox/orders", json={"shop_id": shop_id, "lines": lines},
                   timeout=30).raise_for_status()
    return len(first_row)


# --- the run -----------------------------------------------------------------------------------------------


def one_worker_count(count: int, concurrency: int, catalog_size: tuple[int, int, int], fleet: SandboxFleet,
                     admin_url: str, workdir: Path) -> dict[str, Any]:
    """A new database and emptied sandboxes, ``count`` workers, then every phase."""
    coops, products, packs = catalog_size
    for name in fleet.marketplaces:
        fleet.control(name, "POST", "reset")
    fleet.set_faults(latency_ms=fleet.latency_ms)
    with scratch_database(admin_url) as url:
        engine = init_database(url)
        try:
            catalog = build_catalog(engine, coops, products, packs=packs)
            connect_shops(engine, catalog, fleet)
            folder = workdir / f"workers-{count}"
            folder.mkdir()
            with running_workers(engine, url, count, concurrency, folder) as workers:
                first = run_phase("first push", engine, workers)
                raise_prices(engine, catalog.coop_codes, PRICE_STEP)
                update = run_phase("price change", engine, workers)
                noop = run_phase("no change", engine, workers)
                ordering = fleet.marketplaces[0]
                orders = place_orders(fleet, ordering)
                pulled = run_phase("orders", engine, workers, ordering)
            table = job_table(engine)
        finally:
            engine.dispose()
    return {"catalog": catalog, "phases": [first, update, noop, pulled], "orders": orders, "job_table": table,
            "logs": str(folder)}


def scale(shops: int, products: int, packs: int, worker_counts: list[int], concurrency: int, latency_ms: int,
          admin_url: str, marketplaces: list[str] | None = None, estimate_shops: int = 100_000,
          cadence_min: float = 15, updates_per_pass: float = 2) -> dict[str, Any]:
    workdir = use_scratch_data_dir()
    with SandboxFleet(marketplaces or list(names()), latency_ms=latency_ms) as fleet:
        coops = shops // len(fleet.marketplaces)
        runs = {count: one_worker_count(count, concurrency, (coops, products, packs), fleet, admin_url, workdir)
                for count in worker_counts}
        marketplaces = fleet.marketplaces
    catalog: BenchCatalog = runs[worker_counts[0]]["catalog"]
    bounds = first_push_bounds(marketplaces, catalog, latency_ms)
    shop_bounds = [bounds[name]["bound_s"] for name in marketplaces for _ in catalog.coop_codes]
    by_workers = {count: scaling_row(run, shop_bounds, count * concurrency) for count, run in runs.items()}
    base = worker_counts[0]
    for count, row in by_workers.items():
        ideal = count / base * by_workers[base]["shops_per_min"]
        row["scaling_efficiency"] = round(row["shops_per_min"] / ideal, 2)
    cpu = engine_cpu(runs[base])
    return {
        "marketplaces": marketplaces,
        "shops": len(shop_bounds),
        "coops": len(catalog.coop_codes),
        "products_per_shop": products,
        "packs": packs,
        "latency_ms": latency_ms,
        "concurrency": concurrency,
        "first_push_bound_per_shop_s": {name: bounds[name]["bound_s"] for name in marketplaces},
        "by_workers": by_workers,
        "by_workers_cpu_from": base,
        **cpu,
        **cpu_ceiling(runs[base]["phases"][0]),
        **estimate(cpu, estimate_shops, cadence_min, updates_per_pass),
        "phases": {count: {phase.name: phase.figures() for phase in run["phases"]} for count, run in runs.items()},
        "job_table_after": {count: run["job_table"] for count, run in runs.items()},
        "cpus": os.cpu_count(),
        "logs": str(workdir),
    }


def run_bound_s(shop_bounds: list[float], slots: int) -> float:
    """The least time the first push of all shops can take with ``slots`` jobs at once (see the module)."""
    return round(max(max(shop_bounds), sum(shop_bounds) / slots), 3)


def scaling_row(run: dict[str, Any], shop_bounds: list[float], slots: int) -> dict[str, Any]:
    first: Phase = run["phases"][0]
    bound = run_bound_s(shop_bounds, slots)
    cores = {group: round(first.cpu[group] / first.wall_s, 2) for group in ("machine", *CPU_GROUPS, "others")}
    return {
        "first_push_wall_s": first.wall_s,
        "shops_per_min": round(first.shops / first.wall_s * 60, 1),
        "bound_s": bound,
        "vs_bound": round(first.wall_s / bound, 2),
        "cores_busy": cores,
        "failed_actions": first.failed.total(),
        "runs": first.runs,
        "job_table_rows": run["job_table"]["rows"],
        "job_table_bytes": run["job_table"]["bytes"],
    }


def engine_cpu(run: dict[str, Any]) -> dict[str, Any]:
    """The workers' CPU: per 1,000 listing updates (the price change), per idle shop pass (no change), per
    order pulled and pushed (the orders' pass less the same shops' idle passes); PostgreSQL's beside it."""
    first, update, noop, pulled = run["phases"]
    orders = max(1, run["orders"])
    figures: dict[str, Any] = {}
    for group in ("workers", "postgresql"):
        idle = noop.cpu[group] / noop.shops
        figures[group] = {
            "cpu_s_per_1000_creates": round(first.cpu[group] / max(1, first.done.total()) * 1000, 2),
            "cpu_s_per_1000_updates": round(max(0.0, update.cpu[group] - noop.cpu[group])
                                            / max(1, update.done.total()) * 1000, 2),
            "cpu_ms_per_idle_shop_pass": round(idle * 1000, 1),
            "cpu_ms_per_order": round(max(0.0, pulled.cpu[group] - idle * pulled.shops) / orders * 1000, 1),
        }
    return {"engine_cpu": figures["workers"], "postgresql_cpu": figures["postgresql"],
            "updates_measured": update.done.total(), "orders_measured": run["orders"],
            "push_stock_jobs_per_order": round((pulled.jobs - pulled.shops) / orders, 1)}


def cpu_ceiling(first: Phase) -> dict[str, Any]:
    """The first pushes a minute this machine's cores could run if nothing but CPU held them back: by the CPU
    a shop's first push took of the engine, PostgreSQL, the sandboxes and this process together, and of the
    engine alone (were PostgreSQL and the marketplaces elsewhere)."""
    cores = os.cpu_count() or 1
    ours = sum(first.cpu[group] for group in CPU_GROUPS) / first.shops
    engine = first.cpu["workers"] / first.shops
    return {"cpu_s_per_shop_first_push": {"all_ours": round(ours, 2), "engine": round(engine, 2)},
            "cpu_ceiling_shops_per_min": {"all_ours": round(cores * 60 / ours, 1),
                                          "engine_alone": round(cores * 60 / engine, 1)}}


def estimate(cpu: dict[str, Any], shops: int, cadence_min: float, updates_per_pass: float) -> dict[str, Any]:
    """Cores for ``shops``, the passes' and the orders' apart: a pass every ``cadence_min`` minutes, each an
    idle pass plus ``updates_per_pass`` updates; ``SALES_PER_SHOP_DAY`` orders a shop a day, each pulled and its
    stock pushed as the orders phase did (to ``push_stock_jobs_per_order`` shops: where that grows with the
    shops, so does an order's cost, and the orders' cores hold only at the size measured)."""
    passes_per_s = shops / (cadence_min * 60)
    orders_per_s = shops * SALES_PER_SHOP_DAY / 86_400

    def cores(figures: dict[str, float]) -> dict[str, float]:
        per_pass_s = (figures["cpu_ms_per_idle_shop_pass"] + updates_per_pass * figures["cpu_s_per_1000_updates"]
                      ) / 1000
        return {"passes": round(passes_per_s * per_pass_s, 1),
                "orders": round(orders_per_s * figures["cpu_ms_per_order"] / 1000, 1)}

    return {"estimate": {
        "shops": shops, "cadence_min": cadence_min, "updates_per_shop_pass": updates_per_pass,
        "orders_per_shop_day": SALES_PER_SHOP_DAY, "shop_passes_per_s": round(passes_per_s, 1),
        "orders_per_s": round(orders_per_s, 1), "engine_cores": cores(cpu["engine_cpu"]),
        "postgresql_cores": cores(cpu["postgresql_cpu"])}}


SCALING_COLUMNS = (  # (heading, width, the row's figure) of the scaling table
    ("workers", 7, lambda count, row, slots: count),
    ("slots", 5, lambda count, row, slots: slots),
    ("wall s", 7, lambda count, row, slots: row["first_push_wall_s"]),
    ("shops/min", 9, lambda count, row, slots: row["shops_per_min"]),
    ("bound s", 7, lambda count, row, slots: row["bound_s"]),
    ("× bound", 7, lambda count, row, slots: row["vs_bound"]),
    ("efficiency", 10, lambda count, row, slots: row["scaling_efficiency"]),
    ("machine", 7, lambda count, row, slots: row["cores_busy"]["machine"]),
    ("engine", 6, lambda count, row, slots: row["cores_busy"]["workers"]),
    ("pg", 5, lambda count, row, slots: row["cores_busy"]["postgresql"]),
    ("sandbox", 7, lambda count, row, slots: row["cores_busy"]["sandboxes"]),
    ("others", 6, lambda count, row, slots: row["cores_busy"]["others"]),
    ("job rows", 8, lambda count, row, slots: row["job_table_rows"]),
    ("job bytes", 9, lambda count, row, slots: row["job_table_bytes"]),
)


def figures_table(report: dict[str, Any]) -> str:
    """The figures at a glance: one row per worker count, then the engine's CPU and what it means at scale."""
    engine, pg, scaled = report["engine_cpu"], report["postgresql_cpu"], report["estimate"]
    ceiling, per_shop = report["cpu_ceiling_shops_per_min"], report["cpu_s_per_shop_first_push"]
    lines = [
        f"{report['shops']} shops ({report['coops']} co-ops × {len(report['marketplaces'])} marketplaces), "
        + f"{report['products_per_shop']} products × {report['packs']} packs, {report['latency_ms']} ms latency, "
        + f"{report['concurrency']} jobs a worker; the first push through the queue:",
        " ".join(f"{heading:>{width}}" for heading, width, _ in SCALING_COLUMNS),
        *(" ".join(f"{figure(count, row, count * report['concurrency'])!s:>{width}}"
                   for _, width, figure in SCALING_COLUMNS)
          for count, row in report["by_workers"].items()),
        f"(machine … others: cores busy, of {report['cpus']}; others: whatever else ran on the machine meanwhile; "
        + "job rows and bytes: procrastinate_jobs after the run)",
        f"CPU, engine (workers) / PostgreSQL, with {report['by_workers_cpu_from']} worker(s):",
        f"  s per 1,000 creates (first push)       {engine['cpu_s_per_1000_creates']} / {pg['cpu_s_per_1000_creates']}",
        f"  s per 1,000 listing updates (prices)   {engine['cpu_s_per_1000_updates']} / {pg['cpu_s_per_1000_updates']}"
        + f"  ({report['updates_measured']} updates)",
        f"  ms per idle shop pass                  {engine['cpu_ms_per_idle_shop_pass']} / "
        + f"{pg['cpu_ms_per_idle_shop_pass']}",
        f"  ms per order pulled and pushed         {engine['cpu_ms_per_order']} / {pg['cpu_ms_per_order']}"
        + f"  ({report['orders_measured']} orders, {report['push_stock_jobs_per_order']} push_stock jobs each)",
        f"CPU ceiling on {report['cpus']} cores: {ceiling['all_ours']} first pushes a minute with the engine, "
        + f"PostgreSQL and the sandboxes on them ({per_shop['all_ours']} CPU s a shop), "
        + f"{ceiling['engine_alone']} for the engine alone ({per_shop['engine']} CPU s a shop)",
        f"{scaled['shops']:,} shops, a pass every {scaled['cadence_min']:g} min ({scaled['shop_passes_per_s']} shop "
        + f"passes/s), {scaled['updates_per_shop_pass']:g} updates a pass: {scaled['engine_cores']['passes']} "
        + f"engine cores + {scaled['postgresql_cores']['passes']} PostgreSQL cores",
        f"  and {scaled['orders_per_shop_day']} orders a shop a day ({scaled['orders_per_s']}/s), each pushed as "
        + f"measured ({report['push_stock_jobs_per_order']} jobs): {scaled['engine_cores']['orders']} engine cores "
        + f"+ {scaled['postgresql_cores']['orders']} PostgreSQL cores",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=50,
                        help="shops in all, a multiple of the marketplaces (see the module for why not 200)")
    parser.add_argument("--products", type=int, default=20, help="products per shop")
    parser.add_argument("--packs", type=int, default=2, choices=range(1, MAX_PACKS + 1), metavar="N",
                        help=f"SKUs (packs) per product, 1 to {MAX_PACKS}")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run, comma-separated")
    parser.add_argument("--concurrency", type=int, default=4, help="jobs each worker runs at once")
    parser.add_argument("--latency-ms", type=int, default=40)
    parser.add_argument("--marketplaces", nargs="+", choices=names(), default=None,
                        help="default: every marketplace in use")
    parser.add_argument("--database-url", default=ADMIN_URL,
                        help="the PostgreSQL server to run on: a new database is made there for each worker count "
                             "and dropped")
    parser.add_argument("--estimate-shops", type=int, default=100_000)
    parser.add_argument("--cadence-min", type=float, default=15)
    parser.add_argument("--updates-per-pass", type=float, default=2, help="listing updates per shop per pass")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    args = parser.parse_args(argv)
    marketplaces = args.marketplaces or list(names())
    if args.shops % len(marketplaces):
        parser.error(f"--shops must be a multiple of {len(marketplaces)} (one shop per co-op on every marketplace)")
    if not args.database_url.startswith("postgresql"):
        parser.error("the job queue lives in PostgreSQL: --database-url must be a PostgreSQL server")
    report = scale(args.shops, args.products, args.packs, [int(n) for n in args.workers.split(",")],
                   args.concurrency, args.latency_ms, args.database_url, marketplaces, args.estimate_shops,
                   args.cadence_min, args.updates_per_pass)
    print_report({key: value for key, value in report.items() if key != "phases"}, False)
    print()
    print(figures_table(report))
    if args.json:
        print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
