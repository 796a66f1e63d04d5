"""The deployment of a province (``deploy/systemd/`` and the README's *Deploying for a province*) stays true to
the code: each unit runs a command and options the command line accepts, the settings file names only settings
``catalog/settings.py`` declares and holds what a province needs, the units are hardened alike, and the README
gives the ports, paths and commands the units use."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
import typer.main
from sqlalchemy.engine import make_url

from adapters import registry
from catalog.settings import ENV_NAMES, ENV_PREFIX, Settings
from syndicator.cli import app
from syndicator.connect import marketplace_apps
from syndicator.processes import GRACE_S
from syndicator.tasks import DEFAULT_QUEUE

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "systemd"
SETTINGS_FILE = DEPLOY / "syndicator.env.example"
INSTANCE_FILES = sorted(DEPLOY.glob("worker-*.env.example"))
UNITS = ("syndicator-ui.service", "syndicator-serve.service", "syndicator-worker@.service",
         "syndicator-schedule.service")
WORKER = "syndicator-worker@.service"
INSTALLED = "/opt/syndicator/.venv/bin/syndicator"
ENVIRONMENT_FILE = "/etc/syndicator/syndicator.env"
INSTANCE_ENVIRONMENT_FILE = "-/etc/syndicator/worker-%i.env"  # "-": an instance without its own file is fine
QUEUES = {*registry.MARKETPLACES, DEFAULT_QUEUE}
# What may differ between two units: what they run, from which files, and how long they take to stop.
PER_UNIT = {"ExecStart", "Environment", "EnvironmentFile", "TimeoutStopSec"}
HARDENED = {"User": "syndicator", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
            "PrivateTmp": "yes", "Restart": "on-failure", "KillSignal": "SIGTERM"}
SETTING_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")  # "#SYNDICATOR_X=…": an optional setting, shown
VARIABLE = re.compile(r"\$\{?(\w+)\}?")
TIME_UNITS = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600}
README_SECTION = "## Deploying for a province"
CLI_IN_TEXT = re.compile(r"`(syndicator [^`]+)`|^(syndicator [^\n]+)$", re.MULTILINE)


def read_unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit as systemd reads it: each section's keys with every value given, in order (``EnvironmentFile=``
    comes twice in the worker); comments skipped, lines ending in a backslash joined to the next."""
    sections: dict[str, dict[str, list[str]]] = {}
    keys: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").replace("\\\n", " ").splitlines():
        line = line.strip()
        if line.startswith("["):
            keys = sections.setdefault(line.strip("[]"), {})
        elif line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), []).append(value.strip())
    return sections


def service(name: str) -> dict[str, str]:
    """The ``[Service]`` keys of a unit, each with its last value (the one systemd keeps)."""
    return {key: values[-1] for key, values in read_unit(name)["Service"].items()}


def read_environment(path: Path, optional: bool = False) -> dict[str, str]:
    """``NAME=value`` lines as ``EnvironmentFile=`` reads them, a value in quotes taken as it is; with
    ``optional``, also the settings shown commented out (``#SYNDICATOR_APP_CALLS_PER_DAY=…``)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = SETTING_LINE.match(line)
        if match and (optional or not line.startswith("#")):
            value = match[2]
            if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            found[match[1]] = value
    return found


def command_line(unit: str, instance_file: Path | None = None) -> list[str]:
    """The unit's ExecStart with its variables expanded as systemd does, from the unit's ``Environment=``, the
    settings file and, for a worker instance, its own file: a lone ``$NAME`` becomes zero or more words."""
    environment = dict(assignment.split("=", 1) for assignment in read_unit(unit)["Service"].get("Environment", []))
    environment |= read_environment(SETTINGS_FILE)
    if instance_file is not None:
        environment |= read_environment(instance_file)
    words = []
    for word in shlex.split(service(unit)["ExecStart"]):
        lone = VARIABLE.fullmatch(word)
        words.extend(environment[lone[1]].split() if lone else [word])
    return words


def parse_as_the_cli_does(words: list[str]) -> None:
    """Parse ``syndicator``'s arguments without running the command: an unknown command or option, or a value
    of the wrong type, raises with the command line's own message."""
    group = typer.main.get_command(app)
    name, *arguments = words
    command = group.get_command(typer.Context(group), name)
    assert command is not None, f"syndicator has no command {name!r}"
    command.make_context(name, arguments)


def option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def seconds(timespan: str) -> int:
    """A systemd time span (``45``, ``10min``, ``1min 30s``) in seconds."""
    parts = re.findall(r"(\d+)\s*([a-z]*)", timespan)
    assert parts and all(unit in TIME_UNITS for _, unit in parts), timespan
    return sum(int(number) * TIME_UNITS[unit] for number, unit in parts)


def readme_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    _, found, rest = readme.partition(f"\n{README_SECTION}\n")
    assert found, f"the README has no {README_SECTION!r} section"
    return rest.split("\n## ", 1)[0]


RUNS = [(unit, None) for unit in UNITS] + [(WORKER, path) for path in INSTANCE_FILES]


@pytest.mark.parametrize(("unit", "instance_file"), RUNS,
                         ids=[f"{unit}{'+' + path.name if path else ''}" for unit, path in RUNS])
def test_each_unit_runs_its_syndicator_command_with_options_the_cli_accepts(unit, instance_file):
    program, command, *options = command_line(unit, instance_file)

    assert (program, command) == (INSTALLED, unit.removeprefix("syndicator-").split("@")[0].split(".")[0])
    parse_as_the_cli_does([command, *options])


def test_a_worker_instance_can_keep_to_marketplaces_queues():
    lazada = command_line(WORKER, DEPLOY / "worker-lazada.env.example")
    queues = {queue for path in INSTANCE_FILES if "--queues" in (words := command_line(WORKER, path))
              for queue in option(words, "--queues").split(",")}

    assert option(lazada, "--queues") == "lazada"
    assert queues <= QUEUES


@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_has_what_a_service_needs(unit):
    sections = read_unit(unit)

    assert sections["Unit"]["Description"][0]
    assert "network-online.target" in sections["Unit"]["After"][0]
    assert len(sections["Service"]["ExecStart"]) == 1
    assert sections["Service"]["EnvironmentFile"][0] == ENVIRONMENT_FILE
    assert {key: service(unit).get(key) for key in HARDENED} == HARDENED
    assert sections["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_units_differ_only_in_what_they_run_and_how_long_they_take_to_stop():
    shared = [{key: value for key, value in service(unit).items() if key not in PER_UNIT} for unit in UNITS]

    assert all(keys == shared[0] for keys in shared[1:])


def test_the_data_folder_is_the_working_directory_and_the_only_writable_path():
    data_dir = read_environment(SETTINGS_FILE)["SYNDICATOR_DATA_DIR"]

    assert {(service(unit)["WorkingDirectory"], service(unit)["ReadWritePaths"]) for unit in UNITS} == {
        (data_dir, data_dir)}


def test_a_worker_instance_reads_the_settings_then_its_own_options():
    assert read_unit(WORKER)["Service"]["EnvironmentFile"] == [ENVIRONMENT_FILE, INSTANCE_ENVIRONMENT_FILE]


def test_a_stopped_worker_has_minutes_to_finish_the_jobs_it_runs():
    worker = service(WORKER)

    assert (worker["KillSignal"], worker["KillMode"]) == ("SIGTERM", "mixed")  # SIGTERM to the worker alone
    assert seconds(worker["TimeoutStopSec"]) >= 5 * 60


def test_the_app_has_time_to_stop_its_streamlit_server():
    assert service("syndicator-ui.service")["KillMode"] == "mixed"
    assert seconds(service("syndicator-ui.service")["TimeoutStopSec"]) > GRACE_S


def test_the_settings_file_names_only_declared_settings_and_the_units_variables():
    names = set(read_environment(SETTINGS_FILE, optional=True))
    for path in INSTANCE_FILES:
        names |= set(read_environment(path, optional=True))
    unit_variables = {name for unit in UNITS for name in VARIABLE.findall(service(unit)["ExecStart"])}

    assert {name for name in names if name.startswith(ENV_PREFIX)} - set(ENV_NAMES) == set()
    assert {name for name in names if not name.startswith(ENV_PREFIX)} <= unit_variables


def test_the_settings_file_holds_what_a_province_needs_with_its_secrets_left_to_fill_in():
    settings = read_environment(SETTINGS_FILE)
    database = make_url(settings["SYNDICATOR_DATABASE_URL"])

    assert database.get_backend_name() == "postgresql"
    assert database.password == "CHANGE-ME"
    assert settings["SYNDICATOR_SECRET_KEY"] == "CHANGE-ME"
    assert settings["SYNDICATOR_PUBLIC_URL"].startswith("https://")
    assert settings["SYNDICATOR_DATA_DIR"].startswith("/")


def test_the_settings_file_values_are_ones_the_code_reads(monkeypatch):
    for name, value in read_environment(SETTINGS_FILE, optional=True).items():
        if name.startswith(ENV_PREFIX):
            monkeypatch.setenv(name, value)

    assert Settings().public_url == "https://truyxuat.example.vn"
    assert set(marketplace_apps()) == {"shopee", "lazada"}


def test_the_readme_gives_the_units_addresses_files_and_names():
    section = readme_section()
    listening = [command_line(unit) for unit in UNITS if "--port" in command_line(unit)]
    addresses = sorted(f"{option(words, '--host')}:{option(words, '--port')}" for words in listening)

    assert addresses == ["127.0.0.1:8501", "127.0.0.1:8600"]  # ui, serve: the reverse proxy's upstreams
    assert [address for address in addresses if address not in section] == []
    assert [text for text in (INSTALLED, ENVIRONMENT_FILE, read_environment(SETTINGS_FILE)["SYNDICATOR_DATA_DIR"])
            if text not in section] == []
    assert [unit for unit in UNITS if unit.removesuffix(".service") not in section] == []
    assert [queue for queue in sorted(QUEUES) if f"`{queue}`" not in section] == []


def test_every_syndicator_command_the_readme_section_shows_is_one_the_cli_accepts():
    commands = [shlex.split(inline or line, comments=True) for inline, line in CLI_IN_TEXT.findall(readme_section())]

    assert len(commands) > 5
    for words in commands:
        parse_as_the_cli_does(words[1:])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_knows_every_option_of_the_units():
    verified = subprocess.run(["systemd-analyze", "verify", *(str(DEPLOY / unit) for unit in UNITS)],
                              check=False, capture_output=True, text=True, timeout=60)
    # the units run the installed program, not this checkout: its absence here is all systemd may report
    complaints = [line for line in (verified.stdout + verified.stderr).splitlines()
                  if line and f"Command {INSTALLED} is not executable" not in line]

    assert complaints == []
