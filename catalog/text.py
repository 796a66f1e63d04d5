"""Vietnamese text rules: NFC storage, accent folding for search, tone-placement-proof keys, dictionary order."""

from __future__ import annotations

import re
import unicodedata

VIETNAMESE_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(VIETNAMESE_ALPHABET)}
# Breve, circumflex and horn make a different letter (ă, â, ô, ơ, ư); the other marks are tones.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Unicode's control characters (category Cc: C0, DEL, C1) except tab, line feed and carriage return,
# which are layout: kept in a description, collapsed to a space elsewhere.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def nfc(text: str) -> str:
    """The stored form of any text: Unicode NFC (a Mac's decomposed NFD input becomes composed)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC with runs of white space collapsed and the ends trimmed: how a typed value is kept."""
    return " ".join(nfc(text).split())


def control_character(text: str) -> str | None:
    """The first control character in ``text`` (NUL, escape, …; not tab or a line break) as ``U+0000``,
    or None."""
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def fold(text: str) -> str:
    """Lower case without any marks, đ as d: what a search typed without diacritics should match."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


def tone_key(text: str) -> str:
    """Lower case with each word's tone moved to its end, so old and new tone placement compare equal.

    ``Hoá`` and ``Hóa`` (the tone on the o or on the a) both become ``hoa\u0301``;
    letters such as ``ă``, ``ô`` and ``đ`` are kept, so ``Đà`` and ``Da`` stay different.
    """
    words = []
    for word in clean(text).lower().split():
        letters: list[str] = []
        tones: list[str] = []
        for char in unicodedata.normalize("NFD", word):
            if unicodedata.combining(char) and char not in _LETTER_MARKS:
                tones.append(char)
            else:
                letters.append(char)
        words.append(nfc("".join(letters)) + "".join(tones))
    return " ".join(words)


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Vietnamese dictionary order: letters by the alphabet (a ă â b … d đ …), tones only to break ties."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _LETTER_MARKS and letters:
            letters[-1] += char
        elif unicodedata.combining(char):
            tones.append(ord(char))
        else:
            letters.append(char)
    return tuple(_rank(nfc(letter)) for letter in letters), tuple(tones)


def _rank(letter: str) -> int:
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter]
    if not letter.isalpha():
        return ord(letter[0]) - 0x110000  # digits, spaces and punctuation before letters
    return 0x110000 + ord(letter[0])
