"""The built-in categories for farm products, accepted by code or by Vietnamese or English name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from catalog.models import Category
from catalog.text import fold


@dataclass(frozen=True)
class FarmCategory:
    code: str
    name_vi: str
    name_en: str


CATEGORIES: tuple[FarmCategory, ...] = (
    FarmCategory("CHE", "Chè", "Tea"),
    FarmCategory("CA-PHE", "Cà phê", "Coffee"),
    FarmCategory("GAO", "Gạo", "Rice"),
    FarmCategory("MAT-ONG", "Mật ong", "Honey"),
    FarmCategory("TRAI-CAY", "Trái cây", "Fruit"),
    FarmCategory("RAU-CU", "Rau củ", "Vegetables"),
    FarmCategory("NAM", "Nấm", "Mushrooms"),
    FarmCategory("DUOC-LIEU", "Dược liệu", "Medicinal herbs"),
    FarmCategory("DAC-SAN", "Đặc sản", "Local specialities"),
    FarmCategory("THUC-PHAM-KHO", "Thực phẩm khô", "Dried foods"),
    FarmCategory("THIT-TRUNG", "Thịt, trứng", "Meat and eggs"),
    FarmCategory("THUY-SAN", "Thủy sản", "Fish and seafood"),
    FarmCategory("GIA-VI", "Gia vị", "Spices and sauces"),
    FarmCategory("DO-UONG", "Đồ uống", "Drinks"),
    FarmCategory("THU-CONG", "Thủ công mỹ nghệ", "Handicrafts"),
)


def _key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").replace(",", " ").split())


_BY_KEY = {
    _key(text): category
    for category in CATEGORIES
    for text in (category.code, category.name_vi, category.name_en)
}


def find_category(text: str) -> FarmCategory | None:
    """``Chè``, ``che``, ``CHE`` or ``Tea`` → the tea category; None when nothing matches."""
    return _BY_KEY.get(_key(text))


def ensure_categories(session: Session) -> dict[str, int]:
    """Add the built-in categories that are missing (idempotent); returns every category's id by code."""
    existing = {row.code: row for row in session.exec(select(Category)).all()}
    for category in CATEGORIES:
        if category.code not in existing:
            row = Category(code=category.code, name_vi=category.name_vi, name_en=category.name_en)
            session.add(row)
            existing[category.code] = row
    session.flush()
    return {code: row.id for code, row in existing.items()}
