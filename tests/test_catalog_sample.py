"""The sample catalogue: three Thái Nguyên co-ops, 30 products, 80 SKUs, pictures, seeded once."""

from __future__ import annotations

import sqlalchemy as sa
from PIL import Image
from sqlmodel import select

from catalog.coops import list_coops
from catalog.db import session_scope
from catalog.importer import import_file
from catalog.models import Coop, Lot, MovementKind, Photo, Product, Sku, StockMovement
from catalog.photos import is_digest, photo_file
from catalog.sample import seed_sample_catalog, write_sample_workbook
from catalog.stock import record_movement, stock_levels
from tests.support.catalog import catalog_state


def test_the_sample_has_three_coops_thirty_products_and_eighty_skus(engine, tmp_path):
    summary = seed_sample_catalog(engine, tmp_path / "anh")
    assert (summary["coops"], summary["products"], summary["skus"], summary["images"]) == (3, 30, 80, 30)
    with session_scope(engine) as session:
        coops = {c.code: (c.commune, c.products, c.skus) for c in list_coops(session)}
        ocop = session.execute(sa.select(sa.func.count()).where(Product.ocop_stars.is_not(None))).scalar()
        receipts = session.execute(sa.select(sa.func.count()).where(
            StockMovement.kind == MovementKind.receipt.value)).scalar()
    assert coops["HTX-NARI"][0] == "Xã Na Rì"
    assert sum(products for _, products, _ in coops.values()) == 30
    assert sum(skus for _, _, skus in coops.values()) == 80
    assert 0 < ocop < 30
    assert receipts == 80


def test_sample_pictures_are_kept_in_the_photo_store_as_jpeg(engine, tmp_path):
    seed_sample_catalog(engine, tmp_path / "anh")
    with session_scope(engine) as session:
        digests = [digest for photos in session.execute(sa.select(Product.images)).scalars() for digest in photos]
        stored = session.get(Photo, digests[0])
    assert len(set(digests)) == 30 and all(is_digest(digest) for digest in digests)
    with Image.open(photo_file(stored.digest, stored.format)) as picture:
        assert (picture.format, picture.size) == ("JPEG", (600, 600)) == (stored.format, (stored.width, stored.height))


def test_seeding_twice_changes_nothing(engine, tmp_path):
    seed_sample_catalog(engine, tmp_path / "anh")
    before = catalog_state(engine)
    again = seed_sample_catalog(engine, tmp_path / "anh")
    assert (again["changed"], again["images"]) == (0, 0)
    assert catalog_state(engine) == before


def test_seeding_again_after_sales_does_not_restock(engine, tmp_path):
    seed_sample_catalog(engine, tmp_path / "anh")
    with session_scope(engine) as session:
        sku_id = session.execute(sa.select(Sku.id).where(Sku.sku == "VON-MAT-ONG-RUNG-500ML")).scalar_one()
        before = stock_levels(session, [sku_id])[sku_id].available
        record_movement(session, sku_id, MovementKind.sale, -2, "order:1:2411280001:1:sale")
    seed_sample_catalog(engine, tmp_path / "anh")
    with session_scope(engine) as session:
        assert stock_levels(session, [sku_id])[sku_id].available == before - 2


def test_the_sample_workbook_imports_into_the_seeded_catalogue_unchanged(engine, tmp_path):
    seed_sample_catalog(engine, tmp_path / "anh")
    assert write_sample_workbook(tmp_path / "mau.xlsx", tmp_path / "anh") == 80
    report = import_file(engine, tmp_path / "mau.xlsx")
    assert report.errors == [] and report.changed == 0


def test_the_sample_coops_have_a_phone_an_address_a_bank_account_and_their_products_lots(engine, tmp_path):
    seed_sample_catalog(engine, tmp_path / "anh")
    seed_sample_catalog(engine, tmp_path / "anh")  # a second seeding adds no lot twice

    with session_scope(engine) as session:
        tea = session.exec(select(Coop).where(Coop.code == "HTX-TANCUONG")).one()
        lots = session.exec(select(Lot.code, Lot.expires_on).order_by(Lot.code)).all()
    assert (tea.phone, tea.bank_bin) == ("0208 3855 123", "970405") and "Tân Cương" in tea.address
    assert [code for code, _ in lots] == ["NR-2611-02", "TC-2610-03", "TC-2611-01", "VN-2610-01"]
    assert all(expires is not None for _, expires in lots)  # from each product's shelf life
