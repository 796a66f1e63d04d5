"""Every ``SYNDICATOR_*`` environment variable, its default and what it does: the one place settings are
declared. Code reads them through :func:`settings` when it needs them, never once at import, so a
change to the environment (a test's, a child process's) is seen at the next call.

``python -m catalog.settings`` prints the README's table of settings; ``--write README.md`` puts it
between the README's ``<!-- settings:start -->`` and ``<!-- settings:end -->`` markers.
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SYNDICATOR_"
DEFAULT_LANG = "vi"
DEFAULT_UI_HOST = "127.0.0.1"
TABLE_START = "<!-- settings:start -->"
TABLE_END = "<!-- settings:end -->"


class Settings(BaseSettings):
    """The settings, each from ``SYNDICATOR_<FIELD NAME>``; an empty variable counts as unset."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="ignore", frozen=True)

    data_dir: Path = Field(
        Path("data"),
        description="data folder: the SQLite database, `secret.key`, `feeds/`, `photos/` (the photo store), `images/`, `locks/`")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the database, e.g. `postgresql+psycopg://user@host/db`; "
                    "unset: SQLite `syndicator.db` in the data folder")
    sqlite_busy_timeout_ms: int = Field(
        30_000, description="how long SQLite waits for another process's write lock, in milliseconds")
    lang: str = Field(DEFAULT_LANG, description="language of messages: `vi` or `en`")
    floor_path: str = Field(
        "",
        description="folders (joined by `:`) holding one sub-folder per extra floor, with its `profile.toml` "
                    "or `profile.json`")
    http_settings: str | None = Field(
        None, description="timeouts and retries of every marketplace call: JSON of "
                          "`adapters.common.http.HttpSettings`")
    secret_key: SecretStr | None = Field(
        None, description="the Fernet key that encrypts shop credentials; unset: `secret.key` in the data folder")
    session_idle_minutes: int = Field(30, description="minutes an app session may sit unused before it ends")
    ui_host: str = Field(DEFAULT_UI_HOST, description="address `syndicator ui` listens on")
    monitor_pace_s: float = Field(
        1.0, gt=0, description="seconds the monitor first leaves between two pages of one marketplace "
                               "(Scrapy's AutoThrottle adapts from there)")
    public_url: str | None = Field(
        None, description="the address shoppers and marketplaces reach `syndicator serve` at: trace pages "
                          "(`/t/{code}`) on labels and in listings; unset: http://127.0.0.1:8600, and listings "
                          "carry no trace link")
    variant_wait_s: float | None = Field(
        None, ge=0, description="seconds between creating an item and sending its variants, where a marketplace "
                                "asks for a wait; unset: the marketplace's documented wait. For sandboxes started "
                                "with a shorter one (tests)")
    stock_heartbeat_days: int = Field(
        30, gt=0, description="days after which an API shop's unchanged stock is sent again (Lazada sets to 0 a SKU whose "
                              "stock was not updated for 60 days); a stock sent before this was recorded is sent "
                              "again on one day of each period, chosen by the pack, never all at once")
    marketplace_apps: SecretStr | None = Field(
        None, description="the app's own registration on each marketplace whose shops are connected by redirect "
                          "from the Shops page: JSON `{\"shopee\": {\"base_url\": …, \"app_key\": partner_id, "
                          "\"app_secret\": partner key}, \"lazada\": {…}}`; a marketplace not in it offers no "
                          "connect button")
    push_debounce_ms: int = Field(
        300, ge=0, description="how long `syndicator serve` collects pushes before working them, in milliseconds, "
                               "so a burst of sales of one SKU becomes one stock push per shop")
    lost_push_minutes: float = Field(
        5.0, gt=0, description="how often `syndicator serve` fetches back the pushes a marketplace could not "
                               "deliver (Shopee's lost push messages), besides once on start")
    safety_pull_minutes: int = Field(
        60, gt=0, description="while a marketplace's pushes are healthy (one arrived within this many minutes), "
                              "the schedule's pass over its shops runs only this often, as the safety net; "
                              "otherwise every 15 minutes")
    worker_heartbeat_s: float = Field(
        10.0, gt=0, description="how often a `syndicator worker` records that it is alive (PostgreSQL); a job whose "
                                "worker stayed silent three times as long is taken as stalled and run again by another")
    app_calls_per_day: int | None = Field(
        None, gt=0, description="every marketplace app's calls a day, shared by all workers (PostgreSQL); unset: the "
                                "marketplace's documented budget (Lazada 10,000,000 for a live app)")
    app_calls_per_second: float | None = Field(
        None, gt=0, description="every marketplace app's calls a second, shared by all workers (PostgreSQL); unset: "
                                "no limit above each shop's own")
    budget_wait_s: float = Field(
        20.0, gt=0, description="longest a marketplace call waits for its app's or shop's budget; a job whose budget "
                                "refills later is deferred until it does, never failed")


def env_name(field: str) -> str:
    """The environment variable of a :class:`Settings` field: ``data_dir`` → ``SYNDICATOR_DATA_DIR``."""
    return f"{ENV_PREFIX}{field.upper()}"


ENV_NAMES = tuple(env_name(field) for field in Settings.model_fields)


def settings() -> Settings:
    """The settings as the environment gives them now. Building them takes half a millisecond and messages
    ask for the language one by one, so they are built once per distinct set of values."""
    return _settings_for(tuple(os.environ.get(name) for name in ENV_NAMES))


@lru_cache(maxsize=16)
def _settings_for(_values: tuple[str | None, ...]) -> Settings:
    return Settings()


def markdown_table() -> str:
    """The README's table: every variable, its default and what it does."""
    rows = ["| variable | default | what |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = f"`{field.default}`" if field.default not in (None, "") else "—"
        rows.append(f"| `{env_name(name)}` | {default} | {field.description} |")
    return "\n".join(rows) + "\n"


def with_table(readme: str) -> str:
    """``readme`` with :func:`markdown_table` between its markers."""
    head, found, rest = readme.partition(TABLE_START)
    _, found_end, tail = rest.partition(TABLE_END)
    if not (found and found_end):
        raise ValueError(f"the README has no {TABLE_START} … {TABLE_END} markers")
    return f"{head}{TABLE_START}\n{markdown_table()}{TABLE_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catalog.settings", description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, metavar="README", help="put the table between the markers of this file")
    args = parser.parse_args(argv)
    if args.write is None:
        sys.stdout.write(markdown_table())
        return 0
    args.write.write_text(with_table(args.write.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
