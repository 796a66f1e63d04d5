"""Price rules and stock policies: the co-op nets its base price on every marketplace; stock never negative."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from catalog.pricing import PriceRule, StockPolicy, allocated_stock, channel_price
from syndicator.channels import default_price_rule


def test_a_floor_without_fees_asks_the_base_price():
    assert channel_price(120000, PriceRule()) == 120000


def test_shopee_price_covers_its_percentage_fees_and_the_fee_per_order():
    # (120.000 + 3.000) / (1 − 9%) = 135.164,8… → rounded up to 136.000
    assert channel_price(120000, default_price_rule("shopee")) == 136000


def test_lazada_price_covers_payment_and_fixed_fees():
    # 250.000 / (1 − 6,497%) = 267.371,… → 268.000
    assert channel_price(250000, default_price_rule("lazada")) == 268000


def test_the_co_op_nets_at_least_its_base_price_after_fees():
    rule = default_price_rule("shopee")
    for base in (65000, 120000, 280000, 1_250_000):
        price = channel_price(base, rule)
        net = price * (1 - rule.total_percent / 100) - rule.fixed_fee_per_order
        assert net >= base


def test_price_rounds_up_to_the_rule_step():
    assert channel_price(65001, PriceRule(rounding_step=500)) == 65500
    assert channel_price(65000, PriceRule(rounding_step=500)) == 65000


def test_markup_is_added_before_fees():
    rule = PriceRule(percentage_fees={"phi": Decimal(10)}, markup_percent=Decimal(8))
    # 100.000 × 1,08 / 0,9 = 120.000
    assert channel_price(100000, rule) == 120000


def test_a_per_listing_override_wins_over_the_rule():
    assert channel_price(120000, default_price_rule("shopee"), override=129000) == 129000


def test_fees_of_100_percent_or_more_are_refused():
    with pytest.raises(ValidationError, match="100%"):
        PriceRule(percentage_fees={"a": Decimal(60), "b": Decimal(40)})


def test_a_rule_round_trips_through_json_as_stored_on_the_account():
    rule = default_price_rule("lazada")
    assert PriceRule.model_validate(rule.model_dump(mode="json")) == rule


def test_all_allocation_shows_available_less_the_safety_buffer():
    assert allocated_stock(40, StockPolicy(safety_buffer=5)) == 35


def test_stock_shown_is_never_negative():
    assert allocated_stock(3, StockPolicy(safety_buffer=5)) == 0
    assert allocated_stock(-2, StockPolicy()) == 0


def test_percentage_allocation_rounds_down():
    assert allocated_stock(15, StockPolicy(allocation="percentage", percentage=Decimal(50))) == 7


def test_cap_allocation_shows_at_most_the_cap():
    assert allocated_stock(40, StockPolicy(allocation="cap", cap=10)) == 10
    assert allocated_stock(6, StockPolicy(allocation="cap", cap=10, safety_buffer=2)) == 4


def test_cap_allocation_needs_a_cap():
    with pytest.raises(ValidationError, match="cap"):
        StockPolicy(allocation="cap")
