"""One spreadsheet row (one SKU of a product) checked and normalised: the rules the import and the edit form share.

Every text is NFC; money is whole đồng; weights whole grams. Messages are Vietnamese by default
(``lang="en"`` or ``SYNDICATOR_LANG=en`` for English) and name the field that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from babel import Locale
from babel.dates import parse_date
from babel.numbers import NumberFormatError, parse_decimal
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from stdnum import ean

from catalog.categories import CATEGORIES, find_category
from catalog.communes import DEFAULT_PROVINCE, Commune, find_province, match_commune
from catalog.i18n import MESSAGES, t
from catalog.limits import NUMBER_MAX, PRICE_MAX, SPREADSHEET_LIMITS
from catalog.money import MoneyError, format_vnd, parse_vnd
from catalog.text import clean, control_character, fold, nfc

NAME_LENGTH = (10, 120)
SKU_LENGTH = (3, 40)
SKU_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
OCOP_STARS = (3, 4, 5)
GTIN_LENGTHS = (8, 12, 13, 14)
LIST_SEPARATOR = ";"
MAX_PHOTOS = 9  # Shopee's most; Lazada shows 8
# Parsed once: Babel parses a locale given by name again on every call.
NUMBER_LOCALES = (Locale.parse("vi"), Locale.parse("en"))
WEIGHT_UNITS = {"": 1, "g": 1, "gr": 1, "gam": 1, "gram": 1, "grams": 1, "kg": 1000, "kgs": 1000, "ki": 1000,
                "kilogram": 1000, "can": 1000}
LENGTH_UNITS = {"": 1, "cm": 1, "mm": Decimal("0.1"), "m": 100}
DAY_UNITS = {"": 1, "ngay": 1, "day": 1, "days": 1}
STAR_UNITS = {"": 1, "sao": 1, "star": 1, "stars": 1, "*": 1, "★": 1}

CERTIFICATIONS = {
    "vietgap": "VietGAP",
    "huuco": "Hữu cơ",
    "organic": "Hữu cơ",
    "huucoorganic": "Hữu cơ",
    "globalgap": "GlobalGAP",
    "chidandialy": "Chỉ dẫn địa lý",
    "cddl": "Chỉ dẫn địa lý",
    "gi": "Chỉ dẫn địa lý",
    "geographicalindication": "Chỉ dẫn địa lý",
}


def _fail(key: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(key, t(key, "en", **context), context)


# ---------------------------------------------------------------- parsers of one cell


def _checked(text: str) -> str:
    """``text`` as NFC, refused if it holds a control character (tab and line breaks are layout)."""
    code = control_character(text)
    if code is not None:
        raise _fail("control_character", code=code)
    return nfc(text)


def _text(value: Any) -> str:
    if isinstance(value, str | int | float | Decimal):
        return clean(_checked(str(value)))
    raise _fail("text_expected")


def _split_unit(text: str) -> tuple[str, str]:
    """``1,2 kg`` → (``1,2``, ``kg``): the number and the folded unit written after it."""
    end = len(text)
    while end and (text[end - 1].isalpha() or text[end - 1].isspace() or text[end - 1] in "*★"):
        end -= 1
    return text[:end].strip(), fold(text[end:]).strip()


def _number(text: str) -> Decimal:
    """A number written the Vietnamese way (``1,2``, ``1.200``) or the English way (``1.2``)."""
    if text.isdigit():
        return Decimal(text)
    for locale in NUMBER_LOCALES:
        try:
            return parse_decimal(text, locale=locale, strict=True)
        except (NumberFormatError, InvalidOperation):
            continue
    raise ValueError(text)


def _quantity(value: Any, units: dict[str, Any], error: str) -> Decimal:
    if isinstance(value, bool):
        raise _fail(error, value=value)
    if isinstance(value, int | float | Decimal):
        return _bounded(Decimal(str(value)), value, error)
    text = _text(value)
    if text.count("★") == len(text):
        return Decimal(len(text))
    number, unit = _split_unit(text)
    if unit not in units:
        raise _fail(error, value=text)
    try:
        amount = _number(number) * units[unit]
    except ValueError:
        raise _fail(error, value=text) from None
    return _bounded(amount, text, error)


def _bounded(amount: Decimal, value: Any, error: str) -> Decimal:
    """``amount`` if finite and at most NUMBER_MAX: checked before any int() (``1E999999`` would choke it)."""
    if not amount.is_finite():
        raise _fail(error, value=value)
    if abs(amount) > NUMBER_MAX:
        raise _fail("number_too_large", value=value, max=NUMBER_MAX)
    return amount


def _whole(value: Any, units: dict[str, Any], minimum: int, error: str) -> int:
    amount = _quantity(value, units, error)
    if amount != amount.to_integral_value() or amount < minimum:
        raise _fail(error, value=value)
    return int(amount)


def parse_weight(value: Any) -> int:
    """``200``, ``200g``, ``1,2 kg``, ``0.5kg`` → whole grams above 0."""
    grams = _quantity(value, WEIGHT_UNITS, "weight_format")
    if grams != grams.to_integral_value() or grams <= 0:
        raise _fail("weight_whole", value=value)
    return int(grams)


def _price(value: Any) -> int:
    try:
        amount = parse_vnd(value)
    except MoneyError as error:
        raise _fail(error.reason, value=error.text) from None
    if amount <= 0:
        raise _fail("price_positive")
    if amount > PRICE_MAX:
        raise _fail("price_too_high", value=value, max=format_vnd(PRICE_MAX))
    return amount


def parse_price(value: Any, lang: str | None = None) -> int:
    """One price typed the usual ways (``99.000 ₫``), as whole đồng above 0; a ValueError says why in ``lang``."""
    try:
        return _price(value)
    except PydanticCustomError as error:
        raise ValueError(t(error.type, lang, **(error.context or {}))) from None


# A percentage has no thousands, so ``,`` and ``.`` both mark decimals: ``6,5 %``, ``6.5``, ``6,5%``.
PERCENT = re.compile(r"(?P<number>[-+]?\d{1,3}(?:[.,]\d{1,4})?)\s*%?")
PERCENT_MAX = Decimal(100)


def _percent(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _fail("settings_percent_format", value=value)
    text = _text(value)
    found = PERCENT.fullmatch(text)
    if found is None:
        raise _fail("settings_percent_format", value=text)
    percent = Decimal(found["number"].replace(",", "."))
    if not 0 <= percent <= PERCENT_MAX:
        raise _fail("settings_percent_range", value=text)
    return percent


def parse_percent(value: Any, lang: str | None = None) -> Decimal:
    """One percentage typed the Vietnamese way (``6,5 %``) or the English way (``6.5%``), from 0 to 100;
    a ValueError says why in ``lang``."""
    try:
        return _percent(value)
    except PydanticCustomError as error:
        raise ValueError(t(error.type, lang, **(error.context or {}))) from None


def _name(value: Any) -> str:
    name = _text(value)
    low, high = NAME_LENGTH
    if not low <= len(name) <= high:
        raise _fail("name_length", min=low, max=high, length=len(name))
    return name


def _code(value: Any) -> str:
    return _text(value).upper()


def _sku(value: Any) -> str:
    sku = _text(value).upper()
    low, high = SKU_LENGTH
    if not low <= len(sku) <= high or not set(sku) <= SKU_ALPHABET:
        raise _fail("sku_format", value=sku)
    return sku


def _gtin(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = "".join(_text(value).split()).replace("-", "")
    if not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise _fail("gtin_format", value=value)
    if not ean.is_valid(digits):
        raise _fail("gtin_check", value=digits)
    return digits


def _category(value: Any) -> str:
    found = find_category(_text(value))
    if found is None:
        raise _fail("category_unknown", value=_text(value), choices=", ".join(c.name_vi for c in CATEGORIES))
    return found.code


def _stars(value: Any) -> int:
    stars = _whole(value, STAR_UNITS, 0, "ocop_stars")
    if stars not in OCOP_STARS:
        raise _fail("ocop_stars", value=value)
    return stars


def parse_day(value: Any) -> date:
    """A date from a spreadsheet cell: a real date, ``2026-12-31`` or ``31/12/2026``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_date(text, locale=NUMBER_LOCALES[0])
    except (ValueError, IndexError):
        raise _fail("date_format", value=text) from None


def _items(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [item for item in (_text(part) for part in value) if item]
    return [item for item in (clean(part) for part in _text(value).split(LIST_SEPARATOR)) if item]


def _certifications(value: Any) -> list[str]:
    found: list[str] = []
    for item in _items(value):
        key = "".join(ch for ch in fold(item) if ch.isalnum())
        if key not in CERTIFICATIONS:
            raise _fail("certification_unknown", value=item)
        if CERTIFICATIONS[key] not in found:
            found.append(CERTIFICATIONS[key])
    return found


def _web_address(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text


def _url(value: Any) -> str:
    text = _text(value)
    if not _web_address(text):
        raise _fail("url_format", value=text)
    return text


def _images(value: Any) -> list[str]:
    """A product's photos: the store's digests, or at import what a cell names (catalog/photo_sources.py):
    a file beside the spreadsheet or an ``https://`` address; any other address is refused here."""
    images = list(dict.fromkeys(_items(value)))
    if len(images) > MAX_PHOTOS:
        raise _fail("photo_too_many", limit=MAX_PHOTOS)
    for image in images:
        scheme = urlsplit(image).scheme.lower() if "://" in image else ""
        if scheme and (scheme != "https" or not _web_address(image)):
            raise _fail("photo_entry_scheme", entry=image[:120], scheme=scheme)
    return images


def _province(value: Any) -> str:
    province = find_province(_text(value))
    if province is None:
        raise _fail("province_unknown", value=_text(value))
    return clean(province.name)


def _optional_text(value: Any) -> str:
    return _checked(str(value)).strip() if value is not None else ""


Text = Annotated[str, BeforeValidator(_text)]
Code = Annotated[str, BeforeValidator(_code), Field(max_length=40)]
ProductCode = Annotated[str, BeforeValidator(_code), Field(max_length=60)]
Whole = Annotated[int, BeforeValidator(lambda v: _whole(v, {"": 1}, 0, "whole_number"))]
Length = Annotated[int, BeforeValidator(lambda v: _whole(v, LENGTH_UNITS, 1, "positive_number"))]
Days = Annotated[int, BeforeValidator(lambda v: _whole(v, DAY_UNITS, 1, "positive_number"))]


RowModel = TypeVar("RowModel", bound=BaseModel)


class ProductRow(BaseModel):
    """One SKU row, valid and normalised. Product-level fields repeat on every SKU row of the product."""

    model_config = ConfigDict(frozen=True)

    coop_code: Code
    product_code: ProductCode
    name: Annotated[str, BeforeValidator(_name)]
    description: Annotated[str, BeforeValidator(_optional_text)] = ""
    category: Annotated[str, BeforeValidator(_category)]
    sku: Annotated[str, BeforeValidator(_sku)]
    variant: Annotated[Text, Field(max_length=120)] = ""
    price: Annotated[int, BeforeValidator(_price)]
    stock: Whole | None = None  # None: leave the stock as it is
    weight_g: Annotated[int, BeforeValidator(parse_weight)]
    length_cm: Length | None = None
    width_cm: Length | None = None
    height_cm: Length | None = None
    gtin: Annotated[str, BeforeValidator(_gtin)] | None = None
    ocop_stars: Annotated[int, BeforeValidator(_stars)] | None = None
    ocop_valid_to: Annotated[date, BeforeValidator(parse_day)] | None = Field(default=None, validate_default=True)
    certifications: Annotated[list[str], BeforeValidator(_certifications)] = []
    origin_province: Annotated[str, BeforeValidator(_province)] = DEFAULT_PROVINCE
    origin_commune: Commune | None = None
    shelf_life_days: Days | None = None
    trace_url: Annotated[str, BeforeValidator(_url)] | None = None
    images: Annotated[list[str], BeforeValidator(_images)] = []

    @field_validator("ocop_valid_to")
    @classmethod
    def _ocop_needs_date(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None and info.data.get("ocop_stars") is not None:
            raise _fail("ocop_date_required")
        return value

    @field_validator("origin_commune", mode="before")
    @classmethod
    def _official_commune(cls, value: Any, info: ValidationInfo) -> Commune | None:
        if value is None or isinstance(value, Commune):
            return value
        province = info.data.get("origin_province", DEFAULT_PROVINCE)
        text = _text(value)
        found = match_commune(text, province)
        if len(found) == 1:
            return found[0]
        if found:
            raise _fail("commune_ambiguous", value=text, choices=", ".join(c.name for c in found))
        raise _fail("commune_unknown", value=text, province=province)

    def product_values(self) -> dict[str, Any]:
        """What belongs to the product rather than to this SKU, in database column names."""
        return {
            "name": self.name,
            "description": self.description,
            "origin_commune_code": self.origin_commune.code if self.origin_commune else None,
            "origin_commune_name": self.origin_commune.name if self.origin_commune else None,
            "origin_province": self.origin_province,
            "ocop_stars": self.ocop_stars,
            "ocop_valid_to": self.ocop_valid_to,
            "certifications": list(self.certifications),
            "shelf_life_days": self.shelf_life_days,
            "trace_url": self.trace_url,
            "images": list(self.images),
        }

    def sku_values(self) -> dict[str, Any]:
        """What belongs to this SKU, in database column names."""
        return {
            "variant": self.variant,
            "price": self.price,
            "weight_g": self.weight_g,
            "length_cm": self.length_cm,
            "width_cm": self.width_cm,
            "height_cm": self.height_cm,
            "gtin": self.gtin,
        }


LOT_CODE_LENGTH = (1, 40)
LOT_CODE_ALPHABET = SKU_ALPHABET | frozenset("/.")
LOT_NOTES_MAX = 500
LOT_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
LOT_VIETNAMESE_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")


def _lot_code(value: Any) -> str:
    code = _text(value).upper()
    low, high = LOT_CODE_LENGTH
    if not low <= len(code) <= high or not set(code) <= LOT_CODE_ALPHABET:
        raise _fail("lots_code_format", value=code)
    return code


def _lot_day(value: Any) -> date:
    """A lot's date, strictly: a real date, ``2026-11-20`` or ``20/11/2026`` (day first, four-digit year;
    ``11/20/2026`` or ``20/11/26`` is refused rather than guessed, since the label prints it)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    iso, vietnamese = LOT_ISO_DATE.fullmatch(text), LOT_VIETNAMESE_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso["year"]), int(iso["month"]), int(iso["day"]))
        if vietnamese:
            return date(int(vietnamese["year"]), int(vietnamese["month"]), int(vietnamese["day"]))
    except ValueError:
        pass
    raise _fail("date_format", value=text)


def _lot_notes(value: Any) -> str:
    notes = _optional_text(value)
    if len(notes) > LOT_NOTES_MAX:
        raise _fail("too_long", max=LOT_NOTES_MAX)
    return notes


class LotRow(BaseModel):
    """One lot (lô) of a product, valid and normalised: from the lots sheet, the command line or the app.
    ``expires_on`` None means: from the product's shelf life, which only the database knows."""

    model_config = ConfigDict(frozen=True)

    coop_code: Code | None = None
    product_code: ProductCode
    code: Annotated[str, BeforeValidator(_lot_code)]
    produced_on: Annotated[date, BeforeValidator(_lot_day)]
    expires_on: Annotated[date, BeforeValidator(_lot_day)] | None = None
    quantity: Whole | None = None
    notes: Annotated[str, BeforeValidator(_lot_notes)] = ""

    @field_validator("expires_on")
    @classmethod
    def _not_before_production(cls, value: date | None, info: ValidationInfo) -> date | None:
        produced = info.data.get("produced_on")
        if value is not None and produced is not None and value < produced:
            raise _fail("lots_expiry_before", expires=value.strftime("%d/%m/%Y"),
                        produced=produced.strftime("%d/%m/%Y"))
        return value


# Fields that describe the product: every SKU row of one product must agree on them.
PRODUCT_FIELDS = (
    "name", "description", "category", "ocop_stars", "ocop_valid_to", "certifications", "origin_province",
    "origin_commune", "shelf_life_days", "trace_url", "images",
)


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: the row number as the spreadsheet shows it, the column, the message."""

    row: int
    column: str
    message: str


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _validated(model: type[RowModel], raw: dict[str, Any], row_number: int, default_coop: str | None,
               lang: str | None) -> tuple[RowModel | None, list[RowError]]:
    """One spreadsheet row given by field name as ``model``: blank cells left out, the co-op defaulted,
    oversize cells refused first; the valid row, or every error in it."""
    values = {field: value for field, value in raw.items() if not _blank(value)}
    if default_coop and "coop_code" not in values:
        values["coop_code"] = default_coop
    oversize = _oversize_cells(values, row_number, lang)
    if oversize:
        return None, oversize
    try:
        return model.model_validate(values), []
    except ValidationError as invalid:
        return None, [_row_error(error, row_number, lang) for error in invalid.errors()]


def validate_row(
    raw: dict[str, Any], row_number: int, default_coop: str | None = None, lang: str | None = None
) -> tuple[ProductRow | None, list[RowError]]:
    """Check one product row given by field name (English column names)."""
    return _validated(ProductRow, raw, row_number, default_coop, lang)


def validate_lot_row(raw: dict[str, Any], row_number: int, default_coop: str | None = None,
                     lang: str | None = None) -> tuple[LotRow | None, list[RowError]]:
    """Check one lot given by field name (see :class:`LotRow`)."""
    return _validated(LotRow, raw, row_number, default_coop, lang)


def _oversize_cells(values: dict[str, Any], row_number: int, lang: str | None) -> list[RowError]:
    """A cell past the limit is named on its own: its other checks would only quote a page of its text."""
    limit = SPREADSHEET_LIMITS.cell_chars
    return [RowError(row_number, field, t("cell_too_long", lang, length=len(value), limit=limit))
            for field, value in values.items() if isinstance(value, str) and len(value) > limit]


def _row_error(error: Any, row_number: int, lang: str | None) -> RowError:
    column = str(error["loc"][0]) if error["loc"] else ""
    kind = error["type"]
    if kind == "missing":
        message = t("required", lang)
    elif kind in MESSAGES:
        message = t(kind, lang, **error.get("ctx", {}))
    elif kind == "string_too_long":
        message = t("too_long", lang, max=error["ctx"]["max_length"])
    else:
        message = t("invalid", lang, detail=error["msg"])
    return RowError(row=row_number, column=column, message=message)
