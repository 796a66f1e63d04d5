"""Lazada signatures match the six vectors of reference lazada.md §2.6."""

from __future__ import annotations

import pytest

from adapters.lazada.signing import sign

SYSTEM = {"app_key": "123456", "access_token": "test", "timestamp": "1517820392000", "sign_method": "sha256"}
FOOBAR = {"foo": "1", "bar": "2", "foo_bar": "3", "foobar": "4"}
PRICE_PAYLOAD = (
    "<Request><Product><Skus><Sku><ItemId>234234234</ItemId><SkuId>234</SkuId>"
    "<SellerSku>TRA-TN-100G</SellerSku><Price>120000</Price><Quantity>25</Quantity></Sku></Skus>"
    "</Product></Request>"
)

VECTORS = [
    pytest.param(
        "helloworld", "/order/get", {**SYSTEM, "order_id": "1234"},
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A", id="1-order-get",
    ),
    pytest.param(
        "1234", "/test/api", FOOBAR,
        "988085883BF9D32D251478D23122C7ECC91518CDF63BA22F792000A378F52409", id="2-branch8",
    ),
    pytest.param(
        "secret", "/test/api", FOOBAR,
        "C9E42CE09BA9FE95ECCB17111AA4E3F41D1C82F000435219C75936A427D9C945", id="3-sdk-ts",
    ),
    pytest.param(
        "test-secret", "/order/cancel",
        {"app_key": "123456", "timestamp": "1700000000000", "sign_method": "sha256", "access_token": "test-token"},
        "91375F42B474CECEE7172759B6400E74F10FBB6E9E9E145EA2A27DFA17556B18", id="4-order-cancel",
    ),
    pytest.param(
        "helloworld", "/product/price_quantity/update", {**SYSTEM, "payload": PRICE_PAYLOAD},
        "62F9A212BA72FF2154A9A26CE3C5F021349BEE18E82E23953F114378CF6BE9F1", id="5-price-quantity",
    ),
    pytest.param(
        "helloworld", "/auth/token/refresh",
        {
            "app_key": "123456", "timestamp": "1517820392000", "sign_method": "sha256",
            "refresh_token": "50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj",
        },
        "0455F0344A5D214F54EA61230CE2F8DDE48D56AA7D44C56E45411BFB7BD5F69E", id="6-token-refresh",
    ),
]


@pytest.mark.parametrize(("secret", "path", "params", "expected"), VECTORS)
def test_signature_matches_reference_vector(secret, path, params, expected):
    assert sign(secret, path, params) == expected


def test_existing_sign_parameter_is_left_out_of_the_signature():
    params = {**SYSTEM, "order_id": "1234"}
    assert sign("helloworld", "/order/get", {**params, "sign": "STALE"}) == sign("helloworld", "/order/get", params)
