"""The import benchmark: ``python -m bench.import_file --rows 5000 [--format xlsx|csv] [--database-url URL]``.

Writes a co-op spreadsheet of ``--rows`` SKU rows (three packs per product, every column filled the way a
clerk fills it: ``120.000 ₫``, ``1,2 kg``, communes with marks), then imports it into a scratch database
and imports it again (which must change nothing), each in a fresh process so the peak memory figure is the
import's alone. The same is done with a tenth of the rows: peak memory that stays level while rows grow
tenfold is what reading row by row and writing in batches buys. SQLite by default; with
``--database-url postgresql+psycopg://…`` a scratch database is created on that server and dropped after.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb, scratch_database
from catalog.coops import add_coop
from catalog.db import init_database, session_scope
from catalog.importer import import_file
from catalog.spreadsheet import row_cells, write_sheet

COOP = "HTX-TANCUONG"
PACKS = (("Gói 100g", "65.000 ₫", "100g"), ("Gói 200g", "120.000 ₫", "200 g"), ("Hộp 1,2kg", "650.000 ₫", "1,2 kg"))
COMMUNES = ("Xã Tân Cương", "Xã Định Hoá", "xa phu luong", "Xã Đại Phúc")


def bench_rows(count: int) -> Iterator[dict[str, Any]]:
    for number in range(count):
        product, (variant, price, weight) = divmod(number, len(PACKS))[0], PACKS[number % len(PACKS)]
        yield row_cells({
            "coop_code": COOP, "product_code": f"CHE-{product:05d}", "name": f"Chè búp Tân Cương lô {product:05d}",
            "description": "Búp chè một tôm hai lá, sao tay trên chảo gang.", "category": "Chè",
            "sku": f"CHE-{product:05d}-{number % len(PACKS)}", "variant": variant, "price": price,
            "stock": str(20 + number % 50), "weight_g": weight, "length_cm": "18", "width_cm": "12", "height_cm": "5",
            "ocop_stars": "4", "ocop_valid_to": "31/12/2027", "certifications": "VietGAP; Chỉ dẫn địa lý",
            "origin_commune": COMMUNES[product % len(COMMUNES)], "shelf_life_days": "540",
            "trace_url": f"https://truyxuat.thainguyen.gov.vn/sp/{product}", "images": "",
        })


def measure(path: Path, server_url: str | None) -> dict[str, Any]:
    """In a fresh process: import ``path`` into a scratch database, then again; times and peak memory."""
    with scratch_database(server_url) as url:
        engine = init_database(url)
        with session_scope(engine) as session:
            add_coop(session, COOP, "Hợp tác xã Chè Tân Cương", "Tân Cương")
        started = time.perf_counter()
        first = import_file(engine, path)
        imported_s = time.perf_counter() - started
        started = time.perf_counter()
        again = import_file(engine, path)
        reimported_s = time.perf_counter() - started
        engine.dispose()
    if first.errors:
        raise SystemExit(f"the benchmark file has errors: {first.errors[:3]}")
    return {"rows": first.rows, "import_s": round(imported_s, 2), "reimport_s": round(reimported_s, 2),
            "reimport_changed": again.changed, "peak_rss_mb": peak_rss_mb(), "backend": url.split(":")[0].split("+")[0]}


def run_child(path: Path, server_url: str | None) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.import_file", "--measure", str(path)]
    if server_url:
        command += ["--database-url", server_url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_file", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--database-url", help="a PostgreSQL server to create a scratch database on")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--measure", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.database_url)))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="syndicator-bench-import-"))
    results = []
    for rows in (max(args.rows // 10, 1), args.rows):
        path = folder / f"catalog-{rows}.{args.format}"
        started = time.perf_counter()
        write_sheet(path, bench_rows(rows))
        written_s = time.perf_counter() - started
        results.append(run_child(path, args.database_url) | {"file_mb": round(path.stat().st_size / 2**20, 2),
                                                             "write_s": round(written_s, 2)})
    if args.json:
        print(json.dumps(results))
        return 0
    for result in results:
        print(f"{result['backend']:<10} {result['rows']:>6} rows ({args.format}, {result['file_mb']} MiB, "
              f"written in {result['write_s']} s): import {result['import_s']} s "
              f"({round(result['rows'] / max(result['import_s'], 1e-9))} rows/s), "
              f"re-import {result['reimport_s']} s with {result['reimport_changed']} changes, "
              f"peak RSS {result['peak_rss_mb']} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
