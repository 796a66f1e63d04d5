"""Origin communes: the official 2025 two-tier list (province → commune/ward) from ``vietnam-provinces``.

Matching is forgiving the way clerks write: any case, with or without ``Xã``/``Phường``/``Đặc khu``,
decomposed (NFD) text, old tone placement (``Định Hoá`` = ``Định Hóa``), and — when it is unambiguous —
no marks at all (``Tan Cuong``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from vietnam_provinces import Province, Ward

from catalog.text import clean, fold, tone_key

DEFAULT_PROVINCE = "Thái Nguyên"
_DIVISION_WORDS = ("xã", "phường", "đặc khu", "thị trấn", "tỉnh", "thành phố")


@dataclass(frozen=True)
class Commune:
    name: str  # official, e.g. "Xã Tân Cương"
    code: str  # five digits, e.g. "05503"
    province: str


def _strip_division(key: str) -> str:
    """``xã tân cương`` or ``xa tan cuong`` → the name without the kind of division in front."""
    words = key.split()
    for division in _DIVISION_WORDS:
        size = len(division.split())
        if len(words) > size and fold(" ".join(words[:size])) == fold(division):
            return " ".join(words[size:])
    return key


@cache
def find_province(text: str) -> Province | None:
    """The province named ``text`` (``Thái Nguyên``, ``tỉnh thai nguyen``, ``TP Hà Nội`` …), or None."""
    wanted = fold(_strip_division(tone_key(text))).removeprefix("tp ")
    for province in Province.iter_all():
        if fold(_strip_division(tone_key(province.name))) == wanted:
            return province
    return None


@cache
def _communes(province_name: str) -> tuple[tuple[str, str, Commune], ...]:
    """Every commune of the province with its two match keys: tone-placement-proof and fully folded."""
    province = find_province(province_name)
    if province is None:
        return ()
    rows = []
    for ward in Ward.iter_by_province(province.code):
        commune = Commune(name=clean(ward.name), code=f"{int(ward.code):05d}", province=clean(province.name))
        short = _strip_division(tone_key(ward.name))
        rows.append((short, fold(short), commune))
    return tuple(rows)


def communes(province: str = DEFAULT_PROVINCE) -> list[Commune]:
    """The province's communes and wards, in the official list's order."""
    return [commune for _, _, commune in _communes(clean(province))]


def match_commune(text: str, province: str = DEFAULT_PROVINCE) -> list[Commune]:
    """All communes ``text`` may mean: one for a clear match, several when marks were left out ambiguously."""
    return list(_match(text, province))


@lru_cache(maxsize=4096)
def _match(text: str, province: str) -> tuple[Commune, ...]:
    rows = _communes(clean(province))
    key = _strip_division(tone_key(text))
    exact = tuple(commune for short, _, commune in rows if short == key)
    if exact:
        return exact
    folded = fold(key)
    return tuple(commune for _, bare, commune in rows if bare == folded)


def find_commune(text: str, province: str = DEFAULT_PROVINCE) -> Commune | None:
    """The one commune or ward ``text`` names in ``province``, or None when there is none or several."""
    found = match_commune(text, province)
    return found[0] if len(found) == 1 else None
