"""The command line for someone new: a command before ``syndicator init`` says to run it and creates nothing;
an empty result says what to do next."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog.db import init_database, sqlite_path
from syndicator.cli import app


def invoke(database_url: str, *args: str):
    return CliRunner().invoke(app, list(args), env={"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_LANG": "vi"})


@pytest.mark.parametrize("command", [("plan",), ("sync",), ("channels", "list"), ("coops", "list"),
                                     ("stock", "show")])
def test_a_command_before_init_says_to_run_init_and_creates_nothing(database_url, command):
    said = invoke(database_url, *command)

    assert said.exit_code == 2, said.output
    assert "syndicator init" in said.output
    if (path := sqlite_path(database_url)) is not None:
        assert not path.exists()
    else:
        with sa.create_engine(database_url).connect() as connection:
            assert sa.inspect(connection).get_table_names() == []


@pytest.mark.parametrize("command", [("plan",), ("sync",), ("channels", "list")])
def test_with_no_shop_yet_the_answer_says_to_connect_one(database_url, command):
    init_database(database_url).dispose()

    said = invoke(database_url, *command)

    assert said.exit_code == 0, said.output
    assert "syndicator channels connect" in said.output


def test_init_then_creates_the_database(database_url):
    said = invoke(database_url, "init")

    assert said.exit_code == 0, said.output
    assert invoke(database_url, "coops", "list").exit_code == 0
