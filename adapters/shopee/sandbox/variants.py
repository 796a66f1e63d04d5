"""Shopee's variants in the sandbox (reference marketplace-gaps.md §d1): an item's tiers
(``standardise_tier_variation``, at most 2) and its models (at most 50), each with its own seller SKU,
price and stock. Codes and messages are those of Shopee's API records for each call (the reference's
source S1), where the reference itself names none.

``init_tier_variation`` sets or changes the structure and gives every model a new id (the old ones are
then refused), ``update_tier_variation`` edits options within the same structure, ``add_model``,
``update_model`` (SKU, weight, package and barcode: price and stock go through ``update_price``/
``update_stock``), ``delete_model`` and ``get_model_list``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from adapters.common.sandbox import SandboxItem, SandboxModel, SandboxShop, SandboxVariation, now
from adapters.shopee import CAPABILITIES
from adapters.shopee.sandbox.products import DEFAULT_LIMITS, ShopeeProducts, check_price_ratio
from adapters.shopee.sandbox.wire import MAX_IDS, Caller, ShopeeRefusal, missing, wrong

MAX_TIERS = 2
MAX_MODELS = 50
# get_item_limit's tier_variation_name_length_limit and tier_variation_option_length_limit (data/item_limits.json;
# the figures of the API record's sample answer, the same for every leaf of the sandbox)
TIER_NAME_MAX = DEFAULT_LIMITS["tier_variation_name_length_limit"]["max_limit"]
TIER_OPTION_MAX = DEFAULT_LIMITS["tier_variation_option_length_limit"]["max_limit"]
MODEL_SKU_MAX = 100
MODEL_CONTENT = ("weight", "dimension", "gtin_code")
TOO_MANY_MODELS = ("Count of tier_variation options should be under 50. "
                   "Count of 2-level variations combinations should be under 50.")
NO_TIERS = "Item without tier_variation. Please use init_tier_variation api to upgrade the structure."


def error_param(message: str) -> ShopeeRefusal:
    return ShopeeRefusal("product.error_param", message)


def invalid_model(model_id: Any) -> ShopeeRefusal:
    return ShopeeRefusal("product.error_model_invalid_model_id", f"Invalid model_id. model_id:{model_id}")


def check_distinct_tier_indexes(indexes: list[list[int]]) -> None:
    if len({tuple(index) for index in indexes}) != len(indexes):
        raise ShopeeRefusal("product.error_model_duplicate_tier_variation_index", "Item have duplicate tier_index.")


def model_answer(model: SandboxModel) -> dict[str, Any]:
    return {"model_id": int(model.model_id), "model_sku": model.seller_sku, "tier_index": model.tier_index,
            "price_info": [{"original_price": model.price}],
            "seller_stock": [{"location_id": "VNZ", "stock": model.stock}]}


def keep_content(item: SandboxItem, model: SandboxModel, entry: dict[str, Any]) -> None:
    """A model's weight, package and barcode as sent, kept with the item's payload (by model id)."""
    content = item.payload.setdefault("models", {}).setdefault(model.model_id, {})
    content.update({key: entry[key] for key in MODEL_CONTENT if key in entry})


def tier_answer(item: SandboxItem) -> dict[str, Any]:
    return {"tier_variation": [{"name": variation.name, "option_list": [{"option": option}
                                                                        for option in variation.options]}
                               for variation in item.variations],
            "standardise_tier_variation": [
                {"variation_id": 0, "variation_name": variation.name, "variation_group_id": 0,
                 "variation_option_list": [{"variation_option_id": 0, "variation_option_name": option}
                                           for option in variation.options]}
                for variation in item.variations]}


class ShopeeVariants(ShopeeProducts):
    """The ``product`` calls about tiers and models."""

    variant_wait_s: float = CAPABILITIES.variant_wait_s  # set per sandbox by ShopeeSandbox

    # --- checks ---------------------------------------------------------------------------------
    async def _item_call(self, request: Request, caller: Caller) -> tuple[dict[str, Any], SandboxItem]:
        body = await self._json(request)
        if "item_id" not in body:
            raise missing("item_id")
        return body, self._item(self._shop(caller), body["item_id"])

    def _check_settled(self, item: SandboxItem) -> None:
        """Variants right after ``add_item`` meet an item Shopee is still processing. The record names no
        code for it; the closest is its retryable ``error_inner`` answer."""
        if (now() - item.created_at).total_seconds() < self.variant_wait_s:
            raise ShopeeRefusal("product.error_inner", "Our system is taking some time to respond, please try later.")

    def _variations(self, body: dict[str, Any], shop: SandboxShop) -> list[SandboxVariation]:
        # the older ``tier_variation`` structure is deprecated (record log 2025-09-12): only the new one is read
        tiers = body.get("standardise_tier_variation")
        if not isinstance(tiers, list) or not tiers:
            raise missing("standardise_tier_variation")
        if len(tiers) > MAX_TIERS:
            raise error_param("The level of tier-variation over 2.")
        variations = [self._variation(tier, shop) for tier in tiers]
        names = [variation.name for variation in variations]
        if len(set(names)) != len(names):
            raise ShopeeRefusal("product.error_model_duplicate_name", "Item tier_variation have duplicate name.")
        combinations = 1
        for variation in variations:
            combinations *= len(variation.options)
        if combinations > MAX_MODELS:
            raise error_param(TOO_MANY_MODELS)
        return variations

    @staticmethod
    def _variation(tier: Any, shop: SandboxShop) -> SandboxVariation:
        name = str(tier.get("variation_name") or "").strip() if isinstance(tier, dict) else ""
        if not name:
            raise ShopeeRefusal("product.error_nil_name_new_item_model", "Item tier_variation name cannot be empty.")
        if len(name) > TIER_NAME_MAX:
            raise ShopeeRefusal("product.error_tier_var_name_too_long",
                                f"variation_name {name} is longer than {TIER_NAME_MAX} characters.")
        entries = tier.get("variation_option_list")
        if not isinstance(entries, list) or not entries:
            raise missing("standardise_tier_variation.variation_option_list")
        options = []
        for entry in entries:
            option = str(entry.get("variation_option_name") or "").strip() if isinstance(entry, dict) else ""
            if not option:
                raise missing("standardise_tier_variation.variation_option_list.variation_option_name")
            if len(option) > TIER_OPTION_MAX:
                raise ShopeeRefusal("product.error_tier_opt_val_too_long",
                                    f"variation_option_name {option} is longer than {TIER_OPTION_MAX} characters.")
            if entry.get("image_id") and entry["image_id"] not in shop.extra.get("images", set()):
                raise error_param("Image not exist.")
            options.append(option)
        if len(set(options)) != len(options):
            raise ShopeeRefusal("product.error_model_duplicate_name", "Item tier_variation have duplicate name.")
        return SandboxVariation(name, options)

    @staticmethod
    def _tier_index(entry: dict[str, Any], variations: list[SandboxVariation], field: str) -> list[int]:
        index = entry.get("tier_index")
        if not isinstance(index, list) or not index:
            raise ShopeeRefusal("product.error_model_nonempty_itemtier_empty_index", "Item tier_index is required.")
        if len(index) != len(variations) or not all(isinstance(part, int) for part in index):
            raise error_param("Model tier_index error.")
        if any(not 0 <= part < len(variation.options) for part, variation in zip(index, variations, strict=True)):
            raise ShopeeRefusal("product.error_model_tier_index_bound", f"Invalid item iter_index. {field}: {index}")
        return index

    def _new_model(self, entry: Any, variations: list[SandboxVariation], field: str) -> SandboxModel:
        if not isinstance(entry, dict):
            raise missing(field)
        tier_index = self._tier_index(entry, variations, f"{field}.tier_index")
        if "original_price" not in entry:
            raise missing(f"{field}.original_price")
        self._check_price(entry["original_price"], f"{field}.original_price")
        stocks = entry.get("seller_stock")
        if not isinstance(stocks, list) or not stocks:
            raise missing(f"{field}.seller_stock")
        for stock in stocks:
            self._check_stock(stock, f"{field}.seller_stock.stock")
        sku = entry.get("model_sku", "")
        if not isinstance(sku, str) or len(sku) > MODEL_SKU_MAX:
            raise wrong(f"{field}.model_sku", f"must be text of at most {MODEL_SKU_MAX} characters")
        return SandboxModel(model_id=str(self.state.next_id()), seller_sku=sku, tier_index=tier_index,
                            price=int(entry["original_price"]), stock=sum(stock["stock"] for stock in stocks))

    def _new_models(self, body: dict[str, Any], field: str, variations: list[SandboxVariation]
                    ) -> list[SandboxModel]:
        entries = body.get(field)
        if not isinstance(entries, list) or not entries:
            raise missing(field)
        if len(entries) > MAX_MODELS:
            raise error_param(TOO_MANY_MODELS)
        return [self._new_model(entry, variations, field) for entry in entries]

    @staticmethod
    def _check_models(models: list[SandboxModel]) -> None:
        if len(models) > MAX_MODELS:
            raise error_param(TOO_MANY_MODELS)
        check_distinct_tier_indexes([model.tier_index for model in models])
        check_price_ratio([model.price for model in models])

    # --- calls ------------------------------------------------------------------------------------
    async def init_tier_variation(self, request: Request, caller: Caller) -> dict[str, Any]:
        """Sets the structure (also from one structure to another): every model is new, with a new id."""
        self.count_write()
        body, item = await self._item_call(request, caller)
        self._check_settled(item)
        variations = self._variations(body, self._shop(caller))
        models = self._new_models(body, "model", variations)
        self._check_models(models)
        item.variations, item.models, item.updated_at = variations, models, now()
        item.payload["models"] = {}
        for model, entry in zip(models, body["model"], strict=True):
            keep_content(item, model, entry)
        return {"item_id": int(item.item_id), **tier_answer(item), "model": [model_answer(m) for m in models]}

    async def add_model(self, request: Request, caller: Caller) -> dict[str, Any]:
        """New models for options ``update_tier_variation`` has added."""
        self.count_write()
        body, item = await self._item_call(request, caller)
        if not item.variations:
            raise error_param(NO_TIERS)
        models = self._new_models(body, "model_list", item.variations)
        self._check_models(item.models + models)
        item.models.extend(models)
        for model, entry in zip(models, body["model_list"], strict=True):
            keep_content(item, model, entry)
        item.updated_at = now()
        return {"model": [model_answer(model) for model in models]}

    async def update_model(self, request: Request, caller: Caller) -> dict[str, Any]:
        """A model's SKU, weight, package and barcode; Shopee takes no price or stock here, so any sent is
        left unread."""
        self.count_write()
        body, item = await self._item_call(request, caller)
        entries = body.get("model")
        if not isinstance(entries, list) or not entries:
            raise missing("model")
        if len(entries) > MAX_IDS:
            raise wrong("model", f"may hold at most {MAX_IDS} models")
        changes = []
        for entry in entries:
            if not isinstance(entry, dict) or "model_id" not in entry:
                raise missing("model.model_id")
            if not isinstance(entry.get("model_sku"), str):
                raise missing("model.model_sku")
            if len(entry["model_sku"]) > MODEL_SKU_MAX:
                raise wrong("model.model_sku", f"must be text of at most {MODEL_SKU_MAX} characters")
            model = item.model(entry["model_id"])
            if model is None:
                raise invalid_model(entry["model_id"])
            changes.append((model, entry))
        for model, entry in changes:
            model.seller_sku = entry["model_sku"]
            keep_content(item, model, entry)
        item.updated_at = now()
        return {}

    async def update_tier_variation(self, request: Request, caller: Caller) -> dict[str, Any]:
        """Renames, adds, removes or reorders options within the same number of tiers; ``model_list`` says
        which models stay and at which options, and a model left out goes with its option."""
        self.count_write()
        body, item = await self._item_call(request, caller)
        if not item.variations:
            raise error_param(NO_TIERS)
        variations = self._variations(body, self._shop(caller))
        if len(variations) != len(item.variations):
            raise ShopeeRefusal("product.error_tier_var_level_not_same", "Item tier-variation level not same")
        kept = self._kept_models(body, item, variations)
        check_distinct_tier_indexes([tier_index for _, tier_index in kept])
        for model, tier_index in kept:
            model.tier_index = tier_index
        item.variations, item.models, item.updated_at = variations, [model for model, _ in kept], now()
        return {"item_id": int(item.item_id), **tier_answer(item)}

    def _kept_models(self, body: dict[str, Any], item: SandboxItem, variations: list[SandboxVariation]
                     ) -> list[tuple[SandboxModel, list[int]]]:
        entries = body.get("model_list")
        if not isinstance(entries, list) or not entries:
            raise ShopeeRefusal("product.error_busi_cannot_delete_all_model", "Cannot delete all models by this api.")
        kept: list[tuple[SandboxModel, list[int]]] = []
        for entry in entries:
            model_id = entry.get("model_id") if isinstance(entry, dict) else None
            model = item.model(model_id)
            if model is None:
                raise ShopeeRefusal("product.error_wrong_modelid",
                                    f"The model_id is wrong or not related to this item, model_id:{model_id}")
            if any(model is other for other, _ in kept):
                raise ShopeeRefusal("product.error_duplicate_modelid", f"The model_id is duplicate, model_id:{model_id}")
            kept.append((model, self._tier_index(entry, variations, "model_list.tier_index")))
        return kept

    async def delete_model(self, request: Request, caller: Caller) -> dict[str, Any]:
        self.count_write()
        body, item = await self._item_call(request, caller)
        if "model_id" not in body:
            raise missing("model_id")
        model = item.model(body["model_id"])
        if model is None:
            raise invalid_model(body["model_id"])
        if len(item.models) == 1:
            # the record of delete_model names no code for this; update_tier_variation's is the closest
            raise ShopeeRefusal("product.error_busi_cannot_delete_all_model", "Cannot delete all models by this api.")
        item.models.remove(model)
        item.updated_at = now()
        return {}

    async def get_model_list(self, request: Request, caller: Caller) -> dict[str, Any]:
        raw = request.query_params.get("item_id", "")
        if not raw:
            raise missing("item_id")
        item = self._item(self._shop(caller), raw)
        return {**tier_answer(item), "model": [self._model_info(item, model) for model in item.models]}

    @staticmethod
    def _model_info(item: SandboxItem, model: SandboxModel) -> dict[str, Any]:
        content = item.payload.get("models", {}).get(model.model_id, {})
        return {
            "weight": content.get("weight", 0), "dimension": content.get("dimension", {}),
            "model_id": int(model.model_id), "model_sku": model.seller_sku, "tier_index": model.tier_index,
            "model_status": "MODEL_NORMAL",
            "price_info": [{"currency": "VND", "original_price": model.price, "current_price": model.price}],
            "stock_info_v2": {
                "summary_info": {"total_reserved_stock": model.reserved_stock,
                                 "total_available_stock": max(0, model.stock - model.reserved_stock)},
                "seller_stock": [{"location_id": "VNZ", "stock": model.stock, "if_saleable": True}]},
        }
