"""Per-channel price rules and stock policies, kept as data an officer can edit (vn-context §4).

A marketplace takes a share of every sale (percentage fees) and a fixed amount per order. So that the
co-op nets its base price everywhere, the channel price is
``round_up((base × (1 + markup) + fixed) / (1 − Σ percentages), step)``.
Everything here is a pure function of plain values; rules are stored as JSON on the channel account, and
each marketplace's defaults are data on its spec (``adapters/<name>/__init__.py``).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from catalog.i18n import t

HUNDRED = Decimal(100)


class PriceRule(BaseModel):
    """How one channel account prices a SKU from its base price."""

    model_config = ConfigDict(frozen=True)

    percentage_fees: dict[str, Decimal] = Field(
        default_factory=dict, description="fee name → percent of the selling price, e.g. {'thanh_toan': 5}"
    )
    fixed_fee_per_order: int = Field(default=0, ge=0, description="đồng per order, e.g. 3.000 ₫")
    markup_percent: Decimal = Field(default=Decimal(0), ge=0, description="extra margin on the base price")
    rounding_step: int = Field(default=1000, gt=0, description="round the price up to a multiple of this")

    @model_validator(mode="after")
    def _fees_leave_something(self) -> PriceRule:
        if any(percent < 0 for percent in self.percentage_fees.values()):
            raise ValueError(t("fee_negative"))
        if self.total_percent >= HUNDRED:
            raise ValueError(t("fees_too_high"))
        return self

    @property
    def total_percent(self) -> Decimal:
        return sum(self.percentage_fees.values(), Decimal(0))


def round_up(amount: Decimal, step: int) -> int:
    """The smallest multiple of ``step`` at or above ``amount``."""
    return int((amount / step).to_integral_value(rounding=ROUND_CEILING)) * step


def channel_price(base: int, rule: PriceRule, override: int | None = None) -> int:
    """The price to ask on a channel so the co-op nets ``base`` đồng; a per-listing override wins."""
    if override is not None:
        return override
    marked_up = Decimal(base) * (1 + rule.markup_percent / HUNDRED)
    gross = (marked_up + rule.fixed_fee_per_order) / (1 - rule.total_percent / HUNDRED)
    return round_up(gross, rule.rounding_step)


class StockPolicy(BaseModel):
    """How much of the available stock one channel account may sell."""

    model_config = ConfigDict(frozen=True)

    safety_buffer: int = Field(default=0, ge=0, description="units held back from this channel")
    allocation: Literal["all", "percentage", "cap"] = "all"
    percentage: Decimal = Field(default=Decimal(100), ge=0, le=100)
    cap: int | None = Field(default=None, ge=0)
    zero_at_or_below: int = Field(
        default=0, description="at or below this many units available, every channel is sent 0 (a stock threshold)")

    @model_validator(mode="after")
    def _cap_given(self) -> StockPolicy:
        if self.allocation == "cap" and self.cap is None:
            raise ValueError(t("cap_missing"))
        if self.zero_at_or_below < 0:
            raise ValueError(t("stock_threshold_negative", value=self.zero_at_or_below))
        return self


def allocated_stock(available: int, policy: StockPolicy) -> int:
    """Units to show on a channel: none at or below the policy's threshold, else available less the buffer, then
    the allocation; never negative."""
    if available <= policy.zero_at_or_below:
        return 0
    sellable = max(0, available - policy.safety_buffer)
    if policy.allocation == "percentage":
        sellable = int((Decimal(sellable) * policy.percentage / HUNDRED).to_integral_value(rounding=ROUND_FLOOR))
    elif policy.allocation == "cap":
        sellable = min(sellable, policy.cap or 0)
    return sellable
