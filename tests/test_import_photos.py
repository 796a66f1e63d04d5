"""Photos at import: an image cell names files beside the spreadsheet, files inside the .zip it came in, or https
addresses; each is read once, checked as a picture and kept in the photo store. Anything else — a file outside
the spreadsheet's folder, a non-picture, an address inside our own network — is the row's error, and the
import changes nothing."""

from __future__ import annotations

import io
import threading
import unicodedata
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image
from typer.testing import CliRunner

from catalog.db import data_dir, session_scope
from catalog.importer import import_file
from catalog.models import Photo, Product, Role
from catalog.photo_sources import UrlFetcher, public_address, system_resolver
from catalog.photos import PhotoError, is_digest
from catalog.spreadsheet import export_file
from syndicator.access.products import add_product_photos, arrange_product_photos, save_product_row
from syndicator.cli import app
from syndicator.users import Viewer
from tests.support.catalog import add_coops, catalog_state, honey_row, tea_pack, tea_row, write_file
from tests.support.web import free_port

TEA_PHOTO = "https://anh.htx-tancuong.vn/che-bup-db.jpg"
PUBLIC_HOSTS = {"anh.htx-tancuong.vn": ["14.225.10.20"], "cdn.htx-vonhai.vn": ["103.97.125.8"],
                "noi-bo.htx-tancuong.vn": ["127.0.0.1"], "router.htx-vonhai.vn": ["14.225.10.21", "192.168.1.1"]}


@pytest.fixture
def coops(engine):
    add_coops(engine)
    return engine


def jpeg(colour=(46, 125, 50), size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def photo_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(sa.select(sa.func.count()).select_from(Photo)).scalar()


def product_images(engine, code: str) -> list[str]:
    with session_scope(engine) as session:
        return session.execute(sa.select(Product.images).where(Product.code == code)).scalar_one()


def stored_files() -> list:
    return sorted((data_dir() / "photos").rglob("*.*")) if (data_dir() / "photos").exists() else []


def errors_by_row(report) -> dict[int, str]:
    return {error.row: f"{error.column}: {error.message}" for error in report.errors}


class MarketplaceCdn:
    """The web as an import sees it: public hosts served by an httpx MockTransport, names resolved by a table."""

    def __init__(self, answers: dict[tuple[str, str], httpx.Response]) -> None:
        self.answers = answers
        self.received: list[str] = []
        self.fetcher = UrlFetcher(httpx.Client(transport=httpx.MockTransport(self.answer)), self.resolve)

    @staticmethod
    def resolve(host: str, port: int) -> list[str]:
        return PUBLIC_HOSTS.get(host, [])

    def answer(self, request: httpx.Request) -> httpx.Response:
        host = request.headers["host"]
        self.received.append(f"{host}{request.url.path} via {request.url.host}")
        return self.answers.get((host, request.url.path), httpx.Response(404))


# ---------------------------------------------------------------- photos that import


def test_photos_named_relative_to_the_spreadsheet_are_stored_once_and_the_product_holds_their_digests(
        coops, tmp_path):
    (tmp_path / "anh").mkdir()
    (tmp_path / "anh" / "che-bup.jpg").write_bytes(jpeg())
    (tmp_path / "anh" / "che-hop.png").write_bytes(jpeg((120, 80, 20)))
    cell = "anh/che-bup.jpg; anh\\che-hop.png"  # a Windows clerk's backslash too
    path = write_file(tmp_path / "che.xlsx", [tea_row(images=cell),
                                              tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500", images=cell)])

    report = import_file(coops, path)

    assert report.errors == []
    digests = product_images(coops, "CHE-BUP-DB")
    assert len(digests) == 2 and all(is_digest(d) for d in digests)
    assert photo_count(coops) == 2 and len(stored_files()) == 2
    again = import_file(coops, path)
    assert again.errors == [] and again.changed == 0 and photo_count(coops) == 2 and len(stored_files()) == 2


def test_a_zip_of_the_spreadsheet_and_its_photo_folder_imports_and_a_photo_shared_by_two_products_is_stored_once(
        coops, tmp_path):
    sheet = write_file(tmp_path / "danh-muc.csv", [
        tea_row(images="anh/chung.jpg; anh/chè-tân-cương.jpg"),
        honey_row(images="anh/chung.jpg"),
    ])
    archive = tmp_path / "htx.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(sheet, "htx/danh-muc.csv")
        bundle.writestr("htx/anh/chung.jpg", jpeg((200, 180, 40)))
        bundle.writestr(unicodedata.normalize("NFD", "htx/anh/chè-tân-cương.jpg"), jpeg())  # as a Mac zips it
        bundle.writestr("__MACOSX/htx/._danh-muc.csv", b"\x00\x05\x16\x07")

    report = import_file(coops, archive)

    assert report.errors == [] and report.products_created == 2
    tea, honey = product_images(coops, "CHE-BUP-DB"), product_images(coops, "MAT-ONG-RUNG")
    assert len(tea) == 2 and honey == tea[:1]
    assert photo_count(coops) == 2 and len(stored_files()) == 2
    assert import_file(coops, archive).changed == 0


def test_syndicator_import_takes_a_zip(coops, database_url, tmp_path):
    sheet = write_file(tmp_path / "che.xlsx", [tea_row(images="anh/che.jpg")])
    archive = tmp_path / "che.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(sheet, "che.xlsx")
        bundle.writestr("anh/che.jpg", jpeg())
    env = {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(data_dir()), "COLUMNS": "200",
           "SYNDICATOR_LANG": "vi"}
    result = CliRunner().invoke(app, ["import", str(archive)], env=env)
    assert result.exit_code == 0, result.output
    assert len(product_images(coops, "CHE-BUP-DB")) == 1 and photo_count(coops) == 1


def test_a_photo_at_an_https_address_is_fetched_once_for_all_the_rows_that_name_it(coops, tmp_path):
    cdn = MarketplaceCdn({("anh.htx-tancuong.vn", "/che-bup-db.jpg"): httpx.Response(200, content=jpeg())})
    path = write_file(tmp_path / "che.xlsx", [tea_row(images=TEA_PHOTO),
                                              tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500", images=TEA_PHOTO)])

    report = import_file(coops, path, fetcher=cdn.fetcher)

    assert report.errors == [] and len(product_images(coops, "CHE-BUP-DB")) == 1
    assert cdn.received == ["anh.htx-tancuong.vn/che-bup-db.jpg via 14.225.10.20"]  # to the address checked


def test_a_dry_run_checks_the_photos_and_stores_nothing(coops, tmp_path):
    (tmp_path / "che.jpg").write_bytes(jpeg())
    report = import_file(coops, write_file(tmp_path / "che.xlsx", [tea_row(images="che.jpg")]), dry_run=True)
    assert report.errors == [] and report.products_created == 1
    assert photo_count(coops) == 0 and stored_files() == []


# ---------------------------------------------------------------- what is refused


def test_files_outside_the_spreadsheets_folder_and_non_pictures_are_row_errors_and_nothing_changes(
        coops, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.key").write_bytes(b"4f1c0e2a9b7d6e5f4f1c0e2a9b7d6e5f")
    (data / "syndicator.db").write_bytes(b"SQLite format 3\x00")
    (data / "che-ngoai.jpg").write_bytes(jpeg())  # a real picture, but outside the clerk's folder
    folder = tmp_path / "htx"
    (folder / "anh").mkdir(parents=True)
    (folder / "anh" / "ghi-chu.jpg").write_text("Ghi chú: chụp lại ảnh chè", encoding="utf-8")
    (folder / "anh" / "lien-ket.jpg").symlink_to(data / "che-ngoai.jpg")
    (folder / "anh" / "che.jpg").write_bytes(jpeg())
    before = catalog_state(coops)
    rows = [("/etc/passwd", "không nhận đường dẫn tuyệt đối"),
            (str(data / "secret.key"), "không nhận đường dẫn tuyệt đối"),
            ("../data/secret.key", "không được ra ngoài thư mục của bảng tính"),
            ("anh/../../data/syndicator.db", "không được ra ngoài thư mục của bảng tính"),
            ("anh/lien-ket.jpg", "trỏ ra ngoài thư mục của bảng tính"),
            ("anh/ghi-chu.jpg", "không phải ảnh"),
            ("anh/khong-co.jpg", "không có tệp này"),
            ("file:///etc/passwd", "không nhận file://"),
            ("http://127.0.0.1/anh.jpg", "không nhận http://")]
    path = write_file(folder / "danh-muc.xlsx", [tea_row(images="anh/che.jpg")] + [
        tea_row(product_code=f"CHE-{n}", sku=f"CHE-TC-{n}", gtin="", images=cell) for n, (cell, _) in enumerate(rows)])

    report = import_file(coops, path)

    found = errors_by_row(report)
    assert sorted(found) == list(range(3, 3 + len(rows)))  # row 2, a good photo, is not an error
    for number, (cell, problem) in enumerate(rows, start=3):
        assert found[number].startswith("ảnh: ") and problem in found[number], (cell, found[number])
    assert f"«{data / 'secret.key'}»" in found[4]
    assert catalog_state(coops) == before
    assert photo_count(coops) == 0 and stored_files() == []  # not even the good row's photo stays


def test_an_https_address_redirecting_into_our_own_network_is_refused_before_it_is_asked(coops, tmp_path):
    cdn = MarketplaceCdn({
        ("anh.htx-tancuong.vn", "/che-bup-db.jpg"):
            httpx.Response(302, headers={"location": "https://noi-bo.htx-tancuong.vn/secret.key"}),
        ("cdn.htx-vonhai.vn", "/mat-ong.jpg"): httpx.Response(301, headers={"location": "https://[::1]/admin"}),
        ("cdn.htx-vonhai.vn", "/metadata.jpg"):
            httpx.Response(302, headers={"location": "https://169.254.169.254/latest/meta-data/"}),
    })
    before = catalog_state(coops)
    path = write_file(tmp_path / "che.xlsx", [
        tea_row(images=TEA_PHOTO),
        honey_row(images="https://cdn.htx-vonhai.vn/mat-ong.jpg"),
        honey_row(product_code="MAT-ONG-2", sku="MO-VN-1000", images="https://cdn.htx-vonhai.vn/metadata.jpg"),
        honey_row(product_code="MAT-ONG-3", sku="MO-VN-250", images="https://router.htx-vonhai.vn/anh.jpg"),
        honey_row(product_code="MAT-ONG-4", sku="MO-VN-100", images="https://localhost/anh.jpg"),
    ])

    report = import_file(coops, path, fetcher=cdn.fetcher)

    found = errors_by_row(report)
    assert "máy chủ noi-bo.htx-tancuong.vn ở mạng nội bộ (127.0.0.1)" in found[2]
    assert "máy chủ ::1 ở mạng nội bộ (::1)" in found[3]
    assert "(169.254.169.254)" in found[4]
    assert "máy chủ router.htx-vonhai.vn ở mạng nội bộ (192.168.1.1)" in found[5]
    assert "không tìm thấy máy chủ localhost" in found[6]  # the table knows no localhost: never asked
    assert all(message.startswith("ảnh: ") for message in found.values())
    assert [hit.split(" via ")[0] for hit in cdn.received] == [
        "anh.htx-tancuong.vn/che-bup-db.jpg", "cdn.htx-vonhai.vn/mat-ong.jpg", "cdn.htx-vonhai.vn/metadata.jpg"]
    assert catalog_state(coops) == before and photo_count(coops) == 0


def test_an_address_on_this_machine_is_never_connected_to(coops, tmp_path):
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(jpeg())

        def log_message(self, *args) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = write_file(tmp_path / "che.xlsx", [
            tea_row(images=f"http://127.0.0.1:{port}/anh.jpg"),
            honey_row(images=f"https://127.0.0.1:{port}/anh.jpg"),
            honey_row(product_code="MAT-ONG-2", sku="MO-VN-1000", images=f"https://localhost:{port}/anh.jpg"),
        ])
        report = import_file(coops, path)
    finally:
        server.shutdown()
        server.server_close()
    found = errors_by_row(report)
    assert "không nhận http://" in found[2] and "(127.0.0.1)" in found[3] and "ở mạng nội bộ" in found[4]
    assert hits == []


def test_the_guard_refuses_every_address_that_is_not_public():
    for host in ("127.0.0.1", "10.0.0.5", "172.16.4.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                 "240.0.0.1", "::1", "fe80::1", "fd00::5", "::ffff:127.0.0.1", "localhost"):
        with pytest.raises(PhotoError, match="mạng nội bộ"):
            public_address(host, 443, system_resolver)
    assert public_address("14.225.10.20", 443, system_resolver) == "14.225.10.20"


def test_a_zip_must_hold_exactly_one_spreadsheet_and_its_members_stay_inside_it(coops, tmp_path):
    empty = tmp_path / "khong-co-bang.zip"
    with zipfile.ZipFile(empty, "w") as bundle:
        bundle.writestr("anh/che.jpg", jpeg())
    assert "cần đúng một bảng tính" in import_file(coops, empty).errors[0].message

    sheet = write_file(tmp_path / "che.csv", [tea_row(images="../secret.key"),
                                              honey_row(images="anh/khong-co.jpg")])
    slip = tmp_path / "htx.zip"
    with zipfile.ZipFile(slip, "w") as bundle:
        bundle.write(sheet, "htx/che.csv")
        bundle.writestr("secret.key", b"4f1c0e2a9b7d6e5f")
    found = errors_by_row(import_file(coops, slip))
    assert "không được ra ngoài thư mục của bảng tính" in found[2] and "không có tệp này trong tệp .zip" in found[3]
    assert photo_count(coops) == 0


def test_an_exported_catalogue_imports_again_with_its_photos_unchanged(coops, tmp_path):
    (tmp_path / "che.jpg").write_bytes(jpeg())
    assert import_file(coops, write_file(tmp_path / "che.xlsx", [tea_row(images="che.jpg")])).errors == []
    exported = tmp_path / "xuat" / "danh-muc.xlsx"
    export_file(coops, exported)
    report = import_file(coops, exported)  # the cell holds the store's digest, found in the store
    assert report.errors == [] and report.changed == 0


def test_the_edit_form_keeps_the_photos_and_they_are_only_rearranged_from_the_products_own(coops, tmp_path):
    (tmp_path / "che.jpg").write_bytes(jpeg())
    assert import_file(coops, write_file(tmp_path / "che.xlsx", [tea_row(images="che.jpg")])).errors == []
    admin = Viewer("quantri", Role.admin)
    (digest,) = product_images(coops, "CHE-BUP-DB")

    assert save_product_row(coops, admin, tea_row(price="125000", images="/etc/passwd")) == []
    assert product_images(coops, "CHE-BUP-DB") == [digest]
    with pytest.raises(LookupError, match="không thuộc sản phẩm"):
        arrange_product_photos(coops, admin, "CHE-TC-200", [digest, "/etc/passwd"])
    refused = add_product_photos(coops, admin, "CHE-TC-200", [("ghi-chu.jpg", b"mat khau: 123"),
                                                                ("hop.jpg", jpeg((150, 40, 40)))])
    assert refused == [("ghi-chu.jpg", "không phải ảnh (nhận JPEG, PNG, WebP, GIF, BMP, TIFF)")]
    assert product_images(coops, "CHE-BUP-DB")[0] == digest
    second = product_images(coops, "CHE-BUP-DB")[1]
    arrange_product_photos(coops, admin, "CHE-TC-200", [second])  # the first removed, the second now the main
    assert product_images(coops, "CHE-BUP-DB") == [second]
