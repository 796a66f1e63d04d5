"""The import benchmark, tiny, as an operator would start it: every figure printed, a re-import changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("SYNDICATOR_TEST_DATABASE_URL")

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("server", [None] + ([PG_URL] if PG_URL else []), ids=lambda s: "postgresql" if s else "sqlite")
def test_import_benchmark_prints_its_figures_and_reimports_without_changes(server):
    command = [sys.executable, "-m", "bench.import_file", "--rows", "40", "--format", "csv", "--json"]
    if server:
        command += ["--database-url", server]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    small, large = json.loads(result.stdout.strip().splitlines()[-1])
    assert (small["rows"], large["rows"]) == (4, 40)
    for figure in ("import_s", "reimport_s", "peak_rss_mb", "file_mb", "write_s"):
        assert large[figure] >= 0, figure
    assert small["reimport_changed"] == large["reimport_changed"] == 0
