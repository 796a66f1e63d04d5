"""Messages raised deep in syndicator/ speak the caller's language: Vietnamese by default, English inside
``speaking("en")``, and in the app the language its switch is set to."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from catalog.db import session_scope
from catalog.i18n import speaking, t
from catalog.models import ListingVariant
from catalog.pricing import PriceRule
from syndicator.access.listings import delist
from syndicator.access.overview import overview
from syndicator.access.roles import AccessDenied
from tests.support.apptest import logged_in, open_page
from tests.support.ui import VO_NHAI, login, seed_two_coops


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    monkeypatch.delenv("SYNDICATOR_LANG", raising=False)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_two_coops(engine)
    return engine


def test_a_clerk_asking_for_another_coop_is_refused_in_vietnamese_by_default(seeded):
    with pytest.raises(AccessDenied, match="^không xem được HTX khác$"):
        overview(seeded, login(seeded, "tancuong"), VO_NHAI)


def test_an_officer_delisting_is_refused_in_the_callers_language(seeded):
    officer = login(seeded, "canbo")
    with session_scope(seeded) as session:
        variant_id = session.exec(ListingVariant.__table__.select()).first().id
    with speaking("en"), pytest.raises(AccessDenied, match="^officers have read-only access$"):
        delist(seeded, officer, [variant_id])


def test_a_price_rule_refusal_speaks_the_callers_language():
    with speaking("en"), pytest.raises(ValidationError, match="percentage fees must total under 100%"):
        PriceRule(percentage_fees={"hoa_hong": 60, "thanh_toan": 40})


def test_the_callers_language_wins_over_syndicator_lang_until_the_block_ends(monkeypatch):
    monkeypatch.setenv("SYNDICATOR_LANG", "vi")
    with speaking("en"):
        assert t("access_other_coop") == "you cannot see another co-op"
    assert t("access_other_coop") == "không xem được HTX khác"


def test_a_refusal_on_a_page_follows_the_apps_language_switch(seeded):
    app = open_page(logged_in("tancuong", lang="en"), "products")
    app.text_input(key="edit_sku").input("MO-VN-500")  # Võ Nhai's honey, not the clerk's co-op
    app.run()
    assert [e.value for e in app.error] == ["Not allowed: you cannot see another co-op"]
