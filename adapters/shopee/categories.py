"""Shopee leaf categories for a cooperative's farm goods, their mandatory attributes, and the logistics
channels a Vietnamese shop has switched on.

No public source gives the VN category ids for tea or dried food (reference shopee.md §7): the ids here
are the sandbox's own. Against the real Shopee an officer sets ``category_id``, ``attributes`` and
``logistic_ids`` in the channel's editable category mapping (found with ``product/get_category``,
``product/get_attribute_tree`` and ``logistics/get_channel_list``); the defaults fill the rest.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShopeeAttribute:
    attribute_id: int
    name: str


@dataclass(frozen=True)
class ShopeeCategory:
    category_id: int
    name: str
    catalog_codes: tuple[str, ...] = ()
    mandatory: tuple[ShopeeAttribute, ...] = ()


@dataclass(frozen=True)
class LogisticsChannel:
    logistic_id: int
    name: str
    enabled: bool = True


SHELF_LIFE = ShopeeAttribute(100095, "Hạn sử dụng")
ORIGIN = ShopeeAttribute(100037, "Xuất xứ")
FOOD = (SHELF_LIFE, ORIGIN)

CATEGORIES = (
    ShopeeCategory(101501, "Bách Hóa Online > Đồ uống > Trà", ("CHE",), FOOD),
    ShopeeCategory(101502, "Bách Hóa Online > Đồ uống > Cà phê", ("CA-PHE",), FOOD),
    ShopeeCategory(101503, "Bách Hóa Online > Gạo & ngũ cốc", ("GAO",), FOOD),
    ShopeeCategory(101504, "Bách Hóa Online > Mật ong", ("MAT-ONG",), FOOD),
    ShopeeCategory(101505, "Bách Hóa Online > Rau củ quả tươi", ("TRAI-CAY", "RAU-CU", "NAM"), FOOD),
    ShopeeCategory(101506, "Bách Hóa Online > Thịt, trứng & thủy sản", ("THIT-TRUNG", "THUY-SAN"), FOOD),
    ShopeeCategory(101507, "Bách Hóa Online > Đồ khô & đặc sản", ("THUC-PHAM-KHO", "DAC-SAN", "DUOC-LIEU"), FOOD),
    ShopeeCategory(101508, "Bách Hóa Online > Gia vị", ("GIA-VI",), FOOD),
    ShopeeCategory(101509, "Bách Hóa Online > Đồ uống khác", ("DO-UONG",), FOOD),
    ShopeeCategory(101510, "Nhà cửa & đời sống > Đồ thủ công", ("THU-CONG",), (ORIGIN,)),
)
BY_ID = {category.category_id: category for category in CATEGORIES}
BY_CATALOG_CODE = {code: category for category in CATEGORIES for code in category.catalog_codes}
FALLBACK = BY_ID[101507]

CHANNELS = (
    LogisticsChannel(50018, "SPX Express"),
    LogisticsChannel(50011, "Giao Hàng Nhanh"),
    LogisticsChannel(50012, "Giao Hàng Tiết Kiệm"),
    LogisticsChannel(28016, "VNPost Nhanh", enabled=False),
)
DEFAULT_LOGISTIC_IDS = (50018, 50011)
ENABLED_LOGISTIC_IDS = frozenset(channel.logistic_id for channel in CHANNELS if channel.enabled)


def for_catalog_code(code: str | None) -> ShopeeCategory:
    return BY_CATALOG_CODE.get((code or "").upper(), FALLBACK)
