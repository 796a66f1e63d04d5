"""The one catalogue of messages: every id speaks both languages with the same blanks to fill."""

from __future__ import annotations

from string import Formatter

from catalog.i18n import LANGS, MESSAGE_PARTS, MESSAGES, t


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(template) if field is not None}


def test_every_message_has_vietnamese_and_english_with_the_same_placeholders():
    assert len(MESSAGES) > 100  # the catalogue, the app's and the engine's messages are all there
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert texts["vi"].strip() and texts["en"].strip(), key
        assert placeholders(texts["vi"]) == placeholders(texts["en"]), key


def test_no_part_of_the_catalogue_hides_another_ones_id():
    assert sum(len(part) for part in MESSAGE_PARTS) == len(MESSAGES)


def test_the_apps_texts_are_looked_up_like_every_other_message():
    assert t("ui.login", "vi") == "Đăng nhập"
    assert t("ui.saved", "en", sku="CHE-100") == "Saved CHE-100."


def test_every_listing_and_shop_state_has_words_in_the_app():
    from catalog.models import ChannelState, ListingState

    assert [s.value for s in (*ListingState, *ChannelState) if f"ui.state_{s.value}" not in MESSAGES] == []
