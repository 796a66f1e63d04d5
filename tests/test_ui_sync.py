"""A co-op clerk runs a sync from the app against real sandboxes over HTTP: in the app's process on SQLite, and
through the job queue and a worker on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalog.db import session_scope
from catalog.models import Listing, ListingVariant
from syndicator.tasks import uses_queue
from syndicator.users import add_user
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.sandboxes import COOP, connect_shop, sandboxes, seed_catalogue  # noqa: F401  (fixture)
from tests.support.ui import PASSWORD
from tests.support.workers import jobs_left, wait_until, workers


@pytest.fixture
def connected(engine, database_url, monkeypatch, sandboxes):  # noqa: F811
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=COOP)
    for name, sandbox in sandboxes.items():
        connect_shop(engine, COOP, name, sandbox.url, publish_all=True)
    return sandboxes


def test_a_clerk_syncs_from_the_app_and_every_sku_goes_live_everywhere(engine, connected):
    if uses_queue(engine):
        pytest.skip("on PostgreSQL the button queues the sync for the workers (the next test)")
    app = open_page(logged_in("tancuong"), "sync")
    app.button(key="sync_now").click()
    app.run(timeout=120)
    assert not app.exception
    assert "Đồng bộ xong: thành công" in shown_text(app)
    with session_scope(engine) as session:
        listings = session.exec(sa.select(Listing.state, sa.func.count()).group_by(Listing.state)).all()
        packs = session.exec(sa.select(ListingVariant.state, sa.func.count()).group_by(ListingVariant.state)).all()
    # Shopee and Lazada sell the tea's two packs as one item; the floors list each SKU as its own item
    assert dict(listings) == {"live": 3 * 2 + 4 * (len(connected) - 2)}
    assert dict(packs) == {"live": 4 * len(connected)}
    for sandbox in connected.values():
        assert {item["seller_sku"] for item in sandbox.items()} == {
            "TC-CHE-200G", "TC-CHE-500G", "TC-MATONG-500", "TC-MIEN-500G",
        }
    history = shown_text(open_page(app, "sync"))
    # Shopee and Lazada create one item per product: 3 products' packs count once per pack
    assert f"đăng mới {4 * len(connected)}" in history and "ứng dụng" in history and "thành công" in history
    assert "create" not in history and "update_stock" not in history


def test_on_postgresql_the_button_queues_one_job_a_shop_and_a_worker_runs_them(engine, database_url, connected,
                                                                              tmp_path):
    if not uses_queue(engine):
        pytest.skip("on SQLite the app runs the sync in its own process (the test above)")
    app = open_page(logged_in("tancuong"), "sync")
    app.button(key="sync_now").click()
    app.run(timeout=60)

    assert not app.exception
    assert f"Đã xếp {len(connected)} gian hàng vào hàng đợi đồng bộ" in shown_text(app)
    assert jobs_left(engine) == len(connected)
    with session_scope(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(Listing)).one() == (0,)  # nothing ran in the app

    with workers(database_url, tmp_path) as running:
        running.start(concurrency=3, schedule=False)
        wait_until(lambda: jobs_left(engine) == 0, 120, "the queued syncs", running.logs)
    with session_scope(engine) as session:
        packs = session.exec(sa.select(ListingVariant.state, sa.func.count()).group_by(ListingVariant.state)).all()
    assert dict(packs) == {"live": 4 * len(connected)}
    history = shown_text(open_page(app, "sync"))
    assert history.count("ứng dụng") == len(connected) and "thành công" in history
