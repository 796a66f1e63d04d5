"""Shopee v2 signing: the reference's vectors, and one computed here by hand."""

from __future__ import annotations

import hashlib
import hmac

from adapters.shopee.signing import base_string, common_params, sign

KEY = "test-partner-key"
PARTNER_ID = 2001887
SHOP_PATH = "/api/v2/shop/get_shop_info"
STAMP = 1655714431
TOKEN = "59777174636562737266615546704c6d"
SHOP_ID = 14701711


def test_shop_base_string_is_the_official_worked_example():
    assert base_string(PARTNER_ID, SHOP_PATH, STAMP, TOKEN, SHOP_ID) == (
        "2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711"
    )


def test_shop_call_sign_matches_the_reference_vector():
    assert sign(KEY, PARTNER_ID, SHOP_PATH, STAMP, TOKEN, SHOP_ID) == (
        "faf4a60d51e5807794fd37d18f605d4e8d1370ba96d66245e23d22c77cb6f090"
    )


def test_public_call_sign_matches_the_reference_vector():
    assert sign(KEY, PARTNER_ID, "/api/v2/auth/token/get", STAMP) == (
        "1b1e6cc0a0d759e2ddb0644d67c752dd9cd727e9fbe4f33c14f51ad0c4e24dd3"
    )


def test_sign_equals_an_hmac_computed_by_hand_with_the_key_as_utf8_text():
    partner_key = "shpk4f6e7a2b9c"  # looks like hex after the prefix; must not be hex-decoded
    message = b"2009999/api/v2/product/add_item1764326400tok3n-thai-nguyen701234"
    by_hand = hmac.new(partner_key.encode("utf-8"), message, hashlib.sha256).hexdigest()
    assert sign(partner_key, 2009999, "/api/v2/product/add_item", 1764326400, "tok3n-thai-nguyen", 701234) == by_hand


def test_public_common_params_carry_no_token_or_shop():
    params = common_params(KEY, PARTNER_ID, "/api/v2/auth/token/get", timestamp=STAMP)
    assert params == {"partner_id": "2001887", "timestamp": str(STAMP),
                      "sign": "1b1e6cc0a0d759e2ddb0644d67c752dd9cd727e9fbe4f33c14f51ad0c4e24dd3"}


def test_shop_common_params_carry_token_and_shop_and_the_shop_sign():
    params = common_params(KEY, PARTNER_ID, SHOP_PATH, access_token=TOKEN, shop_id=SHOP_ID, timestamp=STAMP)
    assert params["access_token"] == TOKEN and params["shop_id"] == str(SHOP_ID)
    assert params["sign"] == "faf4a60d51e5807794fd37d18f605d4e8d1370ba96d66245e23d22c77cb6f090"
