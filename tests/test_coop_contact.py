"""A co-op's contact and bank account: what trace pages and the stall sign's VietQR code show."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from catalog.coops import CoopError, add_coop, update_contact
from catalog.db import session_scope
from catalog.models import Coop
from syndicator.cli import app


def tea_coop(engine) -> None:
    with session_scope(engine) as session:
        add_coop(session, "HTX-TANCUONG", "Hợp tác xã Chè Tân Cương", "Tân Cương")


def stored(engine) -> Coop:
    with session_scope(engine) as session:
        return session.exec(select(Coop).where(Coop.code == "HTX-TANCUONG")).one()


def test_a_bank_account_on_the_napas_list_is_kept_with_its_holder(engine):
    tea_coop(engine)
    with session_scope(engine) as session:
        update_contact(session, "htx-tancuong", phone="0208 3855 123", bank_bin="970436",
                       bank_account="0011001234567", bank_account_name="HTX CHE TAN CUONG")

    coop = stored(engine)
    assert (coop.phone, coop.bank_bin, coop.bank_account, coop.bank_account_name) == (
        "0208 3855 123", "970436", "0011001234567", "HTX CHE TAN CUONG")


@pytest.mark.parametrize(("values", "problem"), [
    ({"bank_bin": "123456", "bank_account": "0011001234567", "bank_account_name": "HTX"}, "NAPAS"),
    ({"bank_bin": "970436", "bank_account": "0011-0012", "bank_account_name": "HTX"}, "số tài khoản"),
    ({"bank_bin": "970436", "bank_account": "0011001234567"}, "chủ tài khoản"),
], ids=["unknown BIN", "account with a dash", "no holder"])
def test_a_bank_account_a_vietqr_cannot_carry_is_refused_and_nothing_changes(engine, values, problem):
    tea_coop(engine)

    with pytest.raises(CoopError, match=problem), session_scope(engine) as session:
        update_contact(session, "HTX-TANCUONG", phone="0208 3855 123", **values)

    coop = stored(engine)
    assert (coop.phone, coop.bank_account) == (None, None)


def test_the_command_line_sets_and_clears_the_contact(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    tea_coop(engine)

    shown = CliRunner().invoke(app, ["coops", "set", "HTX-TANCUONG", "--phone", "0208 3855 123", "--bank-bin",
                                     "970405", "--bank-account", "8500205123456", "--bank-name", "HTX CHE TAN CUONG"])
    cleared = CliRunner().invoke(app, ["coops", "set", "HTX-TANCUONG", "--phone", ""])

    assert shown.exit_code == 0 and "8500205123456" in shown.stdout, shown.output
    assert cleared.exit_code == 0, cleared.output
    assert (stored(engine).phone, stored(engine).bank_bin) == (None, "970405")


def test_an_unknown_coop_is_named(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    refused = CliRunner().invoke(app, ["coops", "set", "HTX-KHONG-CO", "--phone", "0208 3855 123"])

    assert refused.exit_code == 1 and "HTX-KHONG-CO" in refused.output
