"""What the benchmarks share: marketplace sandboxes in their own processes on loopback, a province-like
catalog written with bulk inserts, and this process's peak memory.

Each sandbox runs in a process of its own so that its work does not compete with the engine's for one
interpreter lock: on the machine the figures come from, the engine and five marketplaces share two cores
the way they would share a network.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.registry import load, names, spec
from catalog.categories import ensure_categories
from catalog.db import session_scope
from catalog.models import Coop, MovementKind, Product, Sku, StockMovement
from catalog.photos import store_photo
from catalog.sample import draw_images

START_TIMEOUT_S = 120  # five interpreters importing at once on a busy two-core machine


def peak_rss_mb() -> float:
    """The most memory this process has held at once, in MiB. Linux's ``VmHWM`` is read first: unlike
    ``ru_maxrss``, it starts afresh in a new program rather than carrying over the parent's peak."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(kib / 1024, 1)


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server to run on (a scratch database is made there and dropped); "
                             "default: SQLite in a temporary folder")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")


def print_report(report: dict[str, Any], as_json: bool) -> None:
    """One figure a line; with ``as_json`` the whole report again as the last line, in JSON."""
    width = max(map(len, report)) + 2
    for key, value in report.items():
        print(f"{key:{width}} {value}")
    if as_json:
        print(json.dumps(report, ensure_ascii=False), flush=True)


def use_scratch_data_dir() -> Path:
    """Point ``SYNDICATOR_DATA_DIR`` (keys, feeds) of this process and its children at a new temporary
    folder with its own encryption key, so a benchmark never touches the operator's own data."""
    from syndicator.secrets import ensure_key_file

    folder = Path(tempfile.mkdtemp(prefix="syndicator-bench-"))
    os.environ["SYNDICATOR_DATA_DIR"] = str(folder)
    ensure_key_file()
    return folder


@contextmanager
def scratch_database(server_url: str | None) -> Iterator[str]:
    """A URL to a new, empty database, removed afterwards: a SQLite file in a temporary folder, or a new
    database on the PostgreSQL server of ``server_url`` (the database named there is left alone)."""
    if server_url is None or server_url.startswith("sqlite"):
        yield f"sqlite:///{Path(tempfile.mkdtemp(prefix='syndicator-bench-')) / 'syndicator.db'}"
        return
    base = sa.engine.make_url(server_url)
    name = f"syndicator_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- sandboxes --------------------------------------------------------------------------------------


def _serve_sandbox(name: str, conn: Connection) -> None:
    """In a child process: serve one marketplace's sandbox, enforcing the marketplace's own documented rate
    limit, until the parent says stop or goes away."""
    from adapters.common.sandbox import SandboxServer

    sandbox = load(spec(name).sandbox)()
    server = SandboxServer(sandbox).start()
    conn.send(server.base_url)
    try:
        conn.recv()
    except EOFError:
        pass
    server.stop()


@dataclass
class SandboxFleet:
    """The sandboxes of ``marketplaces``, each in its own process, with a client for their control API."""

    marketplaces: list[str] = field(default_factory=lambda: list(names()))
    latency_ms: int = 0
    urls: dict[str, str] = field(default_factory=dict)
    _children: list[tuple[multiprocessing.process.BaseProcess, Connection]] = field(default_factory=list)
    _client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    def start(self) -> Self:
        context = multiprocessing.get_context("spawn")
        for name in self.marketplaces:
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_serve_sandbox, args=(name, theirs), name=f"sandbox-{name}", daemon=True
            )
            process.start()
            self._children.append((process, ours))
        for name, (process, conn) in zip(self.marketplaces, self._children, strict=True):
            try:
                ready = conn.poll(START_TIMEOUT_S)
                self.urls[name] = conn.recv() if ready else None
            except EOFError:
                self.urls[name] = None
            if self.urls[name] is None:
                self.stop()
                why = "stopped" if ready else f"did not answer within {START_TIMEOUT_S} s"
                raise RuntimeError(f"the {name} sandbox {why} (exit code {process.exitcode})")
        self.set_faults(latency_ms=self.latency_ms)
        return self

    def stop(self) -> None:
        for process, conn in self._children:
            try:
                conn.send("stop")
            except (BrokenPipeError, OSError):
                pass
        for process, _ in self._children:
            process.join(timeout=15)
            if process.is_alive():
                process.kill()
        self._children.clear()
        self._client.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def control(self, name: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call ``/_sandbox/<path>`` on one marketplace's sandbox; the decoded JSON answer."""
        response = self._client.request(method, f"{self.urls[name]}/_sandbox/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def set_faults(self, **faults: Any) -> None:
        for name in self.marketplaces:
            self.control(name, "POST", "faults", faults)

    def writes(self) -> dict[str, int]:
        """Write calls each sandbox has received so far."""
        return {name: self.control(name, "GET", "stats")["writes"] for name in self.marketplaces}

    def calls(self) -> dict[str, dict[str, int]]:
        """API calls each sandbox has answered so far, by path, whatever the answer (writes, reads, uploads)."""
        return {name: {path: sum(outcomes.values())
                       for path, outcomes in self.control(name, "GET", "stats")["requests"].items()}
                for name in self.marketplaces}

    def items(self, name: str) -> list[dict[str, Any]]:
        """One row per seller SKU on sale or listed (a model of an item, or an item without models)."""
        return self.control(name, "GET", "items")["items"]


# --- catalog ----------------------------------------------------------------------------------------

# (product name, its smallest pack, that pack's price in đồng, its weight in grams, category code): what
# Thái Nguyên co-ops sell. A product's further packs are combos of its smallest (``pack``).
PRODUCT_LINES = (
    ("Chè búp Tân Cương đặc biệt", "Gói 200g", 120000, 200, "CHE"),
    ("Mật ong rừng Võ Nhai", "Chai 500ml", 250000, 700, "MAT-ONG"),
    ("Miến dong Na Rì", "Gói 500g", 65000, 500, "THUC-PHAM-KHO"),
    ("Gạo Bao thai Định Hóa", "Túi 5kg", 110000, 5000, "GAO"),
    ("Chè móc câu Trại Cài", "Gói 100g", 90000, 100, "CHE"),
    ("Măng khô Phú Lương", "Gói 300g", 95000, 300, "THUC-PHAM-KHO"),
    ("Nấm hương rừng Đồng Hỷ", "Hộp 200g", 150000, 200, "NAM"),
)
# Shopee Vietnam refuses an item whose dearest model costs more than 5 times its cheapest: combos of up to
# five packs, at 3 % off per pack added, stay within that.
MAX_PACKS = 5


@dataclass(frozen=True)
class BenchCatalog:
    """The co-ops (one shop each per marketplace), their products and each product's packs (seller SKUs)."""

    coop_codes: list[str]
    products_per_coop: int
    packs: int = 1
    photos_per_product: int = 1

    @property
    def skus_per_coop(self) -> int:
        return self.products_per_coop * self.packs

    @property
    def sku_count(self) -> int:
        return len(self.coop_codes) * self.skus_per_coop


def connect_shops(engine: Engine, catalog: BenchCatalog, fleet: SandboxFleet) -> None:
    """One shop per co-op on every marketplace of the fleet, through each marketplace's own authorisation; the
    catalogue's categories mapped through the first shop of each marketplace with a category tree."""
    from catalog.sample_attributes import SAMPLE_ATTRIBUTES
    from syndicator.category_mapping import map_from_shop
    from syndicator.channels import connect_sandbox, reads_setup

    for code in catalog.coop_codes:
        for name in fleet.marketplaces:
            shop = connect_sandbox(engine, code, name, fleet.urls[name], publish_all=True)
            if code == catalog.coop_codes[0] and reads_setup(shop):
                map_from_shop(engine, shop.id, SAMPLE_ATTRIBUTES)


def coop_code(shop: int) -> str:
    return f"HTX-BENCH-{shop:04d}"


def seller_sku(shop: int, product: int, pack: int) -> str:
    return f"BN{shop:04d}-{product:04d}-{pack}"


def pack(line: int, number: int) -> tuple[str, int, int]:
    """Pack ``number`` (from 1) of product line ``line``: its name, price and weight. Pack 1 is the line's
    smallest; pack k a combo of k of them (``Combo 3 gói 200g``)."""
    _, smallest, price, weight, _ = PRODUCT_LINES[line]
    if number == 1:
        return smallest, price, weight
    return f"Combo {number} {smallest.lower()}", round(price * number * (1 - 0.03 * (number - 1)), -3), weight * number


def build_catalog(
    engine: Engine, shops: int, products: int, *, packs: int = 1, stock: int = 1000, images_dir: Path | None = None
) -> BenchCatalog:
    """``shops`` co-ops with ``products`` products each, every product with ``packs`` SKUs (its packs), and
    ``stock`` units received of each SKU, written with a handful of multi-row inserts. Product pictures
    (one a product) are the sample catalogue's, drawn into ``images_dir`` (a new temporary folder by
    default) and put in the catalogue's photo store, as an import of a clerk's photo folder does."""
    if not 1 <= packs <= MAX_PACKS:
        raise ValueError(f"packs must be 1 to {MAX_PACKS}")
    folder = images_dir or Path(tempfile.mkdtemp(prefix="syndicator-bench-images-"))
    draw_images(folder)
    stamp = datetime.now(UTC)
    codes = [coop_code(shop) for shop in range(1, shops + 1)]
    with session_scope(engine) as session:
        categories = ensure_categories(session)
        pictures = [store_photo(session, path.read_bytes()).digest for path in sorted(folder.glob("*.png"))]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Coop.__table__),
            [
                {"code": code, "name": f"Hợp tác xã thử tải số {shop}", "province": "Thái Nguyên",
                 "created_at": stamp}
                for shop, code in enumerate(codes, start=1)
            ],
        )
        coop_ids = dict(conn.execute(sa.select(Coop.code, Coop.id).where(Coop.code.in_(codes))).all())
        conn.execute(sa.insert(Product.__table__),
                     list(_product_rows(coop_ids, categories, pictures, products, stamp)))
        product_ids = {
            (coop_id, code): product_id
            for coop_id, code, product_id in conn.execute(
                sa.select(Product.coop_id, Product.code, Product.id).where(
                    Product.coop_id.in_(coop_ids.values())
                )
            )
        }
        conn.execute(sa.insert(Sku.__table__), list(_sku_rows(coop_ids, product_ids, products, packs, stamp)))
        sku_ids = conn.execute(
            sa.select(Sku.id).join(Product, Product.id == Sku.product_id).where(
                Product.coop_id.in_(coop_ids.values())
            )
        ).scalars()
        conn.execute(
            sa.insert(StockMovement.__table__),
            [
                {"sku_id": sku_id, "kind": MovementKind.receipt.value, "quantity": stock,
                 "source": f"bench:receipt:{sku_id}", "note": "Nhập kho thử tải", "created_at": stamp}
                for sku_id in sku_ids
            ],
        )
    return BenchCatalog(coop_codes=codes, products_per_coop=products, packs=packs)


def _product_rows(
    coop_ids: dict[str, int], categories: dict[str, int], pictures: list[str], products: int, stamp: datetime
) -> Iterable[dict[str, Any]]:
    for code, coop_id in coop_ids.items():
        for number in range(1, products + 1):
            name, smallest, _, _, category = PRODUCT_LINES[(number - 1) % len(PRODUCT_LINES)]
            yield {
                "coop_id": coop_id,
                "code": f"SP-{number:04d}",
                "name": f"{name} lô {number}",
                "description": f"{name}, sản phẩm của {code}, đóng {smallest.lower()} và combo.",
                "category_id": categories[category],
                "origin_province": "Thái Nguyên",
                "certifications": ["VietGAP"],
                "shelf_life_days": 365,
                "images": [pictures[(number - 1) % len(pictures)]],
                "created_at": stamp,
                "updated_at": stamp,
            }


def _sku_rows(
    coop_ids: dict[str, int], product_ids: dict[tuple[int, str], int], products: int, packs: int, stamp: datetime
) -> Iterable[dict[str, Any]]:
    for shop, code in enumerate(sorted(coop_ids), start=1):
        for number in range(1, products + 1):
            for pack_number in range(1, packs + 1):
                variant, price, weight = pack((number - 1) % len(PRODUCT_LINES), pack_number)
                yield {
                    "product_id": product_ids[(coop_ids[code], f"SP-{number:04d}")],
                    "sku": seller_sku(shop, number, pack_number),
                    "variant": variant,
                    "price": price,
                    "weight_g": weight,
                    "length_cm": 20,
                    "width_cm": 15,
                    "height_cm": 10 * pack_number,
                    "enabled": True,
                    "updated_at": stamp,
                }


def raise_prices(engine: Engine, coop_codes: list[str], step: int = 5000) -> int:
    """Raise the base price of every SKU of these co-ops by ``step`` đồng; the number of SKUs changed."""
    with engine.begin() as conn:
        coop_ids = sa.select(Coop.id).where(Coop.code.in_(coop_codes))
        products = sa.select(Product.id).where(Product.coop_id.in_(coop_ids))
        result = conn.execute(
            sa.update(Sku.__table__)
            .where(Sku.product_id.in_(products))
            .values(price=Sku.price + step, updated_at=datetime.now(UTC))
        )
    return result.rowcount
