"""What each partner floor's sandbox refuses (bad signature, stale timestamp, over-limit batch, too many
calls, its own failures) and how the client handles each, over real HTTP."""

# ruff: noqa: F811  (the fixtures are imported from tests/support/partner.py)
from __future__ import annotations

import time

import pytest
from pydantic import SecretStr

from adapters.common.contract import PriceUpdate, StockUpdate
from adapters.common.errors import MarketplaceError
from adapters.common.http import HttpSettings
from adapters.partner.wire import dig
from tests.support.partner import (  # noqa: F401  (fixtures)
    FLOORS,
    Floor,
    anyio_backend,
    floor,
    floor_profile,
    start_floor,
    tea,
    unthrottled,
    with_batch_limit,
)

pytestmark = pytest.mark.anyio


async def test_a_call_signed_with_the_wrong_secret_is_refused(floor: Floor):
    credentials = await floor.open_shop()

    response = floor.signed(credentials, "GET", floor.profile.endpoints.shop.path, secret="khong-dung-bi-mat")

    assert response.status_code == 401
    assert floor.error_code(response) == floor.profile.errors.codes.bad_signature


async def test_a_client_with_the_wrong_secret_reports_its_credentials_refused_and_writes_nothing(floor: Floor):
    credentials = await floor.open_shop()
    wrong = credentials.model_copy(update={"app_secret": SecretStr("khong-dung-bi-mat")})
    adapter = floor.client(wrong)

    with pytest.raises(MarketplaceError) as refused:
        await adapter.create_listing(tea())

    assert refused.value.kind == "auth_expired"
    assert refused.value.info.code == floor.profile.errors.codes.bad_signature
    assert floor.items(credentials.shop_id) == []
    assert "khong-dung-bi-mat" not in str(refused.value)


async def test_a_changed_body_breaks_the_signature(floor: Floor):
    credentials = await floor.open_shop()
    path = floor.profile.endpoints.create.path
    response = floor.signed(credentials, "POST", path, {"x": 1})
    tampered = response.request

    answer = floor.send("POST", path, b'{"x": 2}', dict(tampered.headers))

    assert answer.status_code == 401
    assert floor.error_code(answer) == floor.profile.errors.codes.bad_signature


async def test_an_expired_timestamp_is_refused_with_the_floors_time(floor: Floor):
    credentials = await floor.open_shop()
    stale = time.time() - floor.profile.auth.timestamp_window_s - 60

    response = floor.signed(credentials, "GET", floor.profile.endpoints.shop.path, at=stale)

    assert response.status_code == 401
    assert floor.error_code(response) == floor.profile.errors.codes.timestamp_expired


async def test_the_client_resigns_with_the_floors_clock_after_a_timestamp_refusal(floor: Floor):
    floor.control("POST", "clock", {"skew_s": 3600})
    adapter = await floor.connected()

    result = await adapter.create_listing(tea())

    assert result.ok
    assert abs(adapter.clock_offset_s - 3600) < 5
    refusals = floor.outcomes(floor.profile.endpoints.shop.path)
    assert refusals.get(floor.profile.errors.codes.timestamp_expired) == 1


async def test_an_over_limit_batch_is_refused(floor: Floor):
    adapter = await floor.connected()
    ref = (await adapter.create_listing(tea())).ref
    limit = floor.profile.batches.price_limit
    fields = floor.profile.fields
    entry = {fields.item_id: ref.item_id, fields.seller_sku: ref.seller_sku, fields.price: 120000}

    endpoint = floor.profile.endpoints.batch_price
    over_limit = {floor.profile.batches.request_key: [entry] * (limit + 1)}

    response = floor.signed(adapter.credentials, endpoint.method, endpoint.path, over_limit)

    assert response.status_code == 400
    assert floor.error_code(response) == floor.profile.errors.codes.batch_too_large


@pytest.mark.parametrize("name", FLOORS)
async def test_the_client_splits_updates_by_the_floors_batch_limit(start_floor, name: str):
    small = with_batch_limit(unthrottled(floor_profile(name)), 3)
    floor = start_floor(small)
    adapter = await floor.connected()
    refs = [(await adapter.create_listing(tea(f"TN-CHE-{n:03d}G"))).ref for n in range(7)]

    results = await adapter.update_stock([StockUpdate(ref=ref, stock=n) for n, ref in enumerate(refs)])

    assert [r.ok for r in results] == [True] * 7
    assert [r.seller_sku for r in results] == [ref.seller_sku for ref in refs]
    assert floor.outcomes(small.endpoints.batch_stock.path) == {"200": 3}
    assert sorted(item["stock"] for item in floor.items(adapter.credentials.shop_id)) == list(range(7))


@pytest.mark.parametrize("name", FLOORS)
async def test_the_client_halves_a_batch_when_the_floor_lowers_its_limit(start_floor, name: str):
    lowered = with_batch_limit(unthrottled(floor_profile(name)), 2)
    floor = start_floor(lowered)
    adapter = await floor.connected(profile=with_batch_limit(floor.profile, 8))
    refs = [(await adapter.create_listing(tea(f"TN-CHE-{n:03d}G"))).ref for n in range(5)]

    results = await adapter.update_prices([PriceUpdate(ref=ref, price=130000 + n) for n, ref in enumerate(refs)])

    assert [r.ok for r in results] == [True] * 5
    outcomes = floor.outcomes(lowered.endpoints.batch_price.path)
    assert outcomes[lowered.errors.codes.batch_too_large] >= 1
    assert sorted(item["price"] for item in floor.items(adapter.credentials.shop_id)) == [130000 + n for n in range(5)]


async def test_the_floors_own_failures_are_retried_until_the_call_goes_through(floor: Floor):
    adapter = await floor.connected(http=HttpSettings(max_attempts=12, backoff_initial_s=0.005, backoff_max_s=0.02,
                                                      backoff_jitter_s=0.005))
    floor.sandbox.random.seed(1)
    floor.control("POST", "faults", {"error_rate": 0.4})

    results = [await adapter.create_listing(tea(f"TN-CHE-{n:03d}G")) for n in range(6)]

    assert all(result.ok for result in results)
    assert floor.outcomes(floor.profile.endpoints.create.path).get("injected_5xx", 0) >= 1
    floor.control("POST", "faults", {"error_rate": 0})
    assert len(floor.items(adapter.credentials.shop_id)) == 6


async def test_a_floor_that_stays_down_is_reported_as_transient(floor: Floor):
    adapter = await floor.connected()
    floor.control("POST", "faults", {"error_rate": 1})

    with pytest.raises(MarketplaceError) as failed:
        await adapter.find_by_seller_sku("TN-CHE-200G")

    assert failed.value.kind == "transient" and failed.value.retryable
    assert failed.value.info.code == floor.profile.errors.codes.server_error


async def test_the_floors_rate_limit_answer_is_waited_out(start_floor):
    profile = unthrottled(floor_profile("voso"))
    floor = start_floor(profile, rate_limit_per_s=5)
    adapter = await floor.connected(http=HttpSettings(max_attempts=10, backoff_initial_s=0.1, backoff_max_s=0.4,
                                                      backoff_jitter_s=0.05))

    found = [await adapter.find_by_seller_sku(f"TN-CHE-{n:03d}G") for n in range(12)]

    assert found == [None] * 12
    refused = sum(outcomes.get("rate_limited", 0) for outcomes in floor.stats()["requests"].values())
    assert refused >= 1


async def test_the_clients_own_pace_keeps_it_under_the_documented_rate(start_floor):
    profile = floor_profile("thainguyentrade")
    floor = start_floor(profile)
    adapter = await floor.connected()

    for n in range(8):
        await adapter.find_by_seller_sku(f"TN-CHE-{n:03d}G")

    outcomes = floor.stats()["requests"]
    assert sum(by_outcome.get("200", 0) for by_outcome in outcomes.values()) == 1  # the shop call
    assert not any("rate_limited" in by_outcome for by_outcome in outcomes.values())


async def test_a_page_larger_than_the_floor_serves_is_refused_naming_the_parameter(floor: Floor):
    credentials = await floor.open_shop()
    paging = floor.profile.paging
    path = f"{floor.profile.endpoints.items.path}?{paging.size_param}={paging.max_page_size + 1}"

    response = floor.signed(credentials, "GET", path)

    assert response.status_code == 400
    assert floor.error_code(response) == floor.profile.errors.codes.invalid_field
    assert dig(response.json(), floor.profile.errors.field_path) == paging.size_param
