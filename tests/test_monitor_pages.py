"""Reading public product pages: saved HTML shaped like each marketplace's real pages."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from adapters.common.page import (
    inline_record,
    price_from,
    schema_products,
    sold_count_in,
    stock_in,
    storefront_links,
)
from adapters.lazada.page import parse_product_page as read_lazada
from adapters.postmart.page import parse_product_page as read_postmart
from adapters.shopee.page import parse_product_page as read_shopee
from adapters.thainguyentrade.page import parse_product_page as read_thainguyentrade
from adapters.voso.page import parse_product_page as read_voso

PAGES = Path(__file__).parent / "fixtures" / "pages"
VOSO_URL = "https://voso.vn/mat-ong-rung-vo-nhai-chai-500ml-p12708.html"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_voso_inline_record_gives_every_field_a_shopper_sees():
    seen = read_voso(page("voso_inline_rdfa.html"), VOSO_URL)

    assert seen.visible
    assert seen.title == "Mật ong rừng Võ Nhai chai 500ml"
    assert (seen.price, seen.stock, seen.availability, seen.sold_count) == (250000, 17, "in_stock", 3)
    assert (seen.seller_sku, seen.item_id) == ("HTX-VN-MO-500", "12708")


def test_voso_inline_record_is_decoded_whole_when_its_description_contains_a_closing_brace_and_semicolon():
    record = inline_record(page("voso_inline_rdfa.html"), "product")

    assert record["description"].endswith("trẻ dưới 1 tuổi};</p></script>")
    assert record["keywords"] == "mat ong rung vo nhai"
    assert record["ratingOCOP"] == 3


def test_voso_rdfa_offer_is_followed_from_the_product_by_its_node_link():
    (product,) = schema_products(page("voso_rdfa_only.html"), "https://voso.vn/mien-dong-na-ri-p13011.html")

    assert product["name"] == "Miến dong Na Rì gói 500g"
    assert product["offers"]["price"] == "65000"
    assert product["offers"]["availability"] == "http://schema.org/OutOfStock"


def test_voso_page_without_the_inline_record_is_read_from_rdfa_and_the_visible_parts():
    seen = read_voso(page("voso_rdfa_only.html"), "https://voso.vn/mien-dong-na-ri-p13011.html")

    assert (seen.title, seen.seller_sku) == ("Miến dong Na Rì gói 500g", "HTX-NR-MIEN-500")
    assert (seen.price, seen.availability, seen.sold_count, seen.stock) == (65000, "out_of_stock", 41, None)


def test_shopee_json_ld_page_gives_price_seller_sku_item_id_stock_and_a_thousands_sold_count():
    seen = read_shopee(page("shopee_jsonld.html"), "https://shopee.vn/product/771234/22871634519")

    assert seen.title == "Chè búp Tân Cương đặc biệt - Gói 200g"
    assert (seen.price, seen.stock, seen.sold_count) == (120000, 25, 1200)
    assert (seen.seller_sku, seen.item_id, seen.availability) == ("TC-CHE-200G", "22871634519", "in_stock")


def test_lazada_sold_out_page_shows_zero_stock_and_out_of_stock():
    seen = read_lazada(page("lazada_sold_out.html"), "https://www.lazada.vn/products/mat-ong-i2291046577.html")

    assert (seen.price, seen.stock, seen.availability, seen.sold_count) == (268000, 0, "out_of_stock", 57)
    assert seen.item_id == "2291046577"


def test_postmart_microdata_page_is_read_through_its_offer():
    seen = read_postmart(page("postmart_microdata.html"), "https://postmart.vn/p/tao-dai-muong-la-43160.html")

    assert (seen.title, seen.seller_sku) == ("Táo Mường Lạ HTX Hưng Thịnh hộp 5kg", "HT-TAO-5KG")
    assert (seen.price, seen.stock, seen.availability, seen.sold_count) == (350000, 40, "in_stock", 9)


def test_a_page_without_structured_data_is_read_from_what_it_writes_for_people():
    seen = read_thainguyentrade(page("thainguyentrade_visible_only.html"), "https://thainguyentrade.vn/sp/881")

    assert seen.visible
    assert (seen.title, seen.seller_sku) == ("Chè Tân Cương hộp quà 500g", "TC-CHE-HOPQUA")
    assert (seen.price, seen.stock, seen.sold_count) == (1250000, 8, 12)


def test_a_page_without_a_product_is_not_visible():
    seen = read_postmart(page("storefront.html"), "https://postmart.vn/p/khong-ton-tai-1.html")

    assert not seen.visible
    assert seen.price is None


def test_decomposed_vietnamese_on_a_page_comes_out_nfc():
    decomposed = unicodedata.normalize("NFD", page("voso_inline_rdfa.html"))

    seen = read_voso(decomposed, VOSO_URL)

    assert seen.title == unicodedata.normalize("NFC", "Mật ong rừng Võ Nhai chai 500ml")
    assert unicodedata.is_normalized("NFC", seen.title)


@pytest.mark.parametrize(
    ("written", "dong"),
    [("250,000đ", 250000), ("1.250.000 VND", 1250000), ("120.000 ₫", 120000), ("120000.00", 120000),
     (65000, 65000), ("Giá: 45.000 ₫ / gói", 45000), ("Liên hệ", None), ("120000.50", None)],
)
def test_prices_are_read_as_whole_dong_the_way_pages_write_them(written, dong):
    assert price_from(written) == dong


@pytest.mark.parametrize(
    ("text", "sold"),
    [("Đã bán 12", 12), ("Đã bán: 3", 3), ("Đã bán 1,2k", 1200), ("Đã bán 2.315", 2315), ("Chưa có đánh giá", None)],
)
def test_sold_counts_are_read_as_shops_write_them(text, sold):
    assert sold_count_in(text) == sold


def test_stock_line_is_read_as_a_count():
    assert stock_in("Còn 1.024 sản phẩm") == 1024
    assert stock_in("Hết hàng") is None


def test_storefront_lists_each_item_by_its_seller_sku_with_an_absolute_address():
    links = storefront_links(page("storefront.html"), "http://127.0.0.1:8703/shop/100001")

    assert links == {
        "TC-CHE-500G": "http://127.0.0.1:8703/shop/100001/100003",
        "TC-MATONG-500": "http://127.0.0.1:8703/shop/100001/100005",
    }
