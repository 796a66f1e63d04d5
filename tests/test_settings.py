"""One settings module: every ``SYNDICATOR_*`` variable the code names is declared in ``catalog/settings.py``,
read when asked for (not frozen at import), and the README's table is the one generated from it."""

from __future__ import annotations

import re
from pathlib import Path

from catalog.settings import ENV_NAMES, TABLE_END, TABLE_START, markdown_table, settings, with_table

ROOT = Path(__file__).resolve().parent.parent
CODE_LAYERS = ("catalog", "adapters", "syndicator", "ui")
SETTING = re.compile(r"\bSYNDICATOR_[A-Z][A-Z_]*")


def test_the_readme_table_is_the_one_generated_from_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert with_table(readme) == readme, "run: .venv/bin/python -m catalog.settings --write README.md"


def test_the_table_goes_between_the_markers_and_nowhere_else():
    readme = f"# x\n\n{TABLE_START}\n| stale |\n{TABLE_END}\n\nafter\n"

    assert with_table(readme) == f"# x\n\n{TABLE_START}\n{markdown_table()}{TABLE_END}\n\nafter\n"


def test_every_setting_the_code_names_is_declared():
    named = {name for layer in CODE_LAYERS for module in (ROOT / layer).rglob("*.py")
             for name in SETTING.findall(module.read_text(encoding="utf-8"))}

    assert named - set(ENV_NAMES) == set()


def test_settings_are_read_when_asked_for(monkeypatch):
    monkeypatch.setenv("SYNDICATOR_SESSION_IDLE_MINUTES", "5")
    first = settings().session_idle_minutes
    monkeypatch.setenv("SYNDICATOR_SESSION_IDLE_MINUTES", "45")

    assert (first, settings().session_idle_minutes) == (5, 45)


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", "")
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", "")

    assert (settings().data_dir, settings().database_url) == (Path("data"), None)
