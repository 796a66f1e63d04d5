"""The start-up benchmark: ``python -m bench.startup [--runs 15] [--json]``.

Times, side by side in one run, how long a fresh interpreter takes for ``python -c "import typer,
sqlalchemy"`` (the floor any command line built on them pays), ``python -m syndicator --help`` and
``python -m syndicator coops list`` on a fresh SQLite database in a temporary data folder (made by
``syndicator init`` first). The three commands take turns, so a busy moment slows all three alike; each
figure is the median of its runs, and each command's ratio to the floor is the goal's measure (≤ 2).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import print_report

GOAL_RATIO = 2.0
COMMANDS = {
    "import_typer_sqlalchemy": ["-c", "import typer, sqlalchemy"],
    "help": ["-m", "syndicator", "--help"],
    "coops_list": ["-m", "syndicator", "coops", "list"],
}


def scratch_environment(folder: Path) -> dict[str, str]:
    """This environment without any ``SYNDICATOR_*`` setting, its data folder (SQLite database, key) in
    ``folder``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SYNDICATOR_")}
    return env | {"SYNDICATOR_DATA_DIR": str(folder), "COLUMNS": "120"}


def wall_time(args: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``python <args>`` to its exit (it must succeed)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def benchmark(runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="syndicator-bench-") as folder:
        env = scratch_environment(Path(folder))
        subprocess.run([sys.executable, "-m", "syndicator", "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(runs):
            for name, args in COMMANDS.items():
                times[name].append(wall_time(args, env))
    medians = {name: statistics.median(walls) for name, walls in times.items()}
    floor = medians["import_typer_sqlalchemy"]
    return {
        "runs": runs,
        **{f"{name}_median_s": round(median, 3) for name, median in medians.items()},
        "help_ratio": round(medians["help"] / floor, 2),
        "coops_list_ratio": round(medians["coops_list"] / floor, 2),
        "goal_ratio": GOAL_RATIO,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    args = parser.parse_args(argv)
    print_report(benchmark(args.runs), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
