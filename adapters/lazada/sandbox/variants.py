"""Lazada's products with variants in the sandbox (reference marketplace-gaps.md §d1, lazada.md §4):
``/product/create`` with ``variation`` (at most 2) and each SKU's ``saleProp``, SKUs added to an existing
product through ``AssociatedSku`` on create or update, a SKU's option set by its ``saleProp`` on update,
``/product/sku/remove`` and ``/product/item/get``.
A product of several SKUs without ``variation`` stays refused with ``4133`` (products.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from adapters.common.sandbox import SandboxItem, SandboxModel, SandboxShop, SandboxVariation, now
from adapters.lazada.sandbox.products import LazadaProducts, Sellable, not_a_sale_prop, shop_sku, sku_id_of
from adapters.lazada.sandbox.wire import LazadaRefusal, listed, parse_request

MAX_VARIATIONS = 2


def invalid_variation(reason: str) -> LazadaRefusal:
    return LazadaRefusal("4133", f"E4133: Invalid variation: {reason}", [{"field": "variation", "message": reason}])


def as_list(value: Any) -> list[Any]:
    """An XML element that occurs once arrives as a value, not a list."""
    return value if isinstance(value, list) else [] if value is None else [value]


def variation_view(item: SandboxItem) -> dict[str, Any]:
    return {f"variation{number}": {"name": variation.name, "hasImage": False, "customize": True,
                                   "options": {"option": list(variation.options)}}
            for number, variation in enumerate(item.variations, start=1)}


def take_option(item: SandboxItem, model: SandboxModel, position: int, option: str) -> None:
    """``model`` takes ``option`` of variation ``position``: its option is renamed when no other SKU has
    it, else it moves to the option (added when new)."""
    variation, current = item.variations[position], model.tier_index[position]
    if variation.options[current] == option:
        return
    shared = any(other is not model and other.tier_index[position] == current for other in item.models)
    if option not in variation.options and not shared:
        variation.options[current] = option
        return
    if option not in variation.options:
        variation.options.append(option)
    model.tier_index[position] = variation.options.index(option)


def sku_answer(item: SandboxItem, model: SandboxModel) -> dict[str, Any]:
    return {"shop_sku": shop_sku(item.item_id, model), "seller_sku": model.seller_sku, "sku_id": int(model.model_id)}


class LazadaVariants(LazadaProducts):
    """Products whose SKUs are variants along one or two sale properties."""

    # --- checks -----------------------------------------------------------------------------------
    @staticmethod
    def check_variation(variation: Any) -> list[SandboxVariation]:
        if not isinstance(variation, dict) or not variation:
            raise invalid_variation("variation must name variation1 (and variation2)")
        if len(variation) > MAX_VARIATIONS:
            raise LazadaRefusal("VARIATION_SIZE_LIMIT", f"The Size Limit is: {MAX_VARIATIONS}",
                                [{"field": "variation", "message": f"{len(variation)} variations"}])
        variations = []
        for key in sorted(variation):
            entry = variation[key] if isinstance(variation[key], dict) else {}
            name = str(entry.get("name") or "").strip()
            options = [str(option).strip() for option in as_list((entry.get("options") or {}).get("option"))]
            if not name or not options or not all(options):
                raise invalid_variation(f"{key} needs a name and options")
            if len(set(options)) != len(options):
                raise LazadaRefusal("4112", f"E4112: Duplicate sale property values in {name}",
                                    [{"field": "saleProp", "message": name}])
            variations.append(SandboxVariation(name, options))
        return variations

    @staticmethod
    def tier_index(sku: dict[str, Any], variations: list[SandboxVariation]) -> list[int]:
        """Which option of each variation a SKU's ``saleProp`` names."""
        sale_prop = sku.get("saleProp")
        names = [variation.name for variation in variations]
        if not isinstance(sale_prop, dict) or sorted(sale_prop) != sorted(names):
            raise invalid_variation(f"SKU {sku.get('SellerSku')} needs saleProp with {', '.join(names)}")
        index = []
        for variation in variations:
            option = str(sale_prop[variation.name]).strip()
            if option not in variation.options:
                raise invalid_variation(f"{option} is not an option of {variation.name}")
            index.append(variation.options.index(option))
        return index

    def new_variants(self, skus: list[Any], variations: list[SandboxVariation], others: list[SandboxModel],
                     shop: SandboxShop, is_json: bool) -> list[SandboxModel]:
        """The SKUs as new variants along ``variations``, checked against each other and against the
        product's ``others``."""
        models, seen = [], set()
        for sku in skus:
            seller_sku, price, quantity = self.check_new_sku(sku, shop, is_json)
            if seller_sku in seen:
                raise LazadaRefusal("4105", f"E4105: Duplicate SellerSku {seller_sku}",
                                    [{"field": "SellerSku", "message": "duplicate", "seller_sku": seller_sku}])
            seen.add(seller_sku)
            images = self.check_images(listed((sku.get("Images") or {}).get("Image"), is_json))
            models.append(SandboxModel(model_id=str(self.state.next_id()), seller_sku=seller_sku,
                                       tier_index=self.tier_index(sku, variations), price=price, stock=quantity,
                                       images=images))
        every = others + models
        combinations = [tuple(model.tier_index) for model in every]
        if len(set(combinations)) != len(combinations):
            raise LazadaRefusal("4112", "E4112: Duplicate sale property values: two SKUs have the same saleProp",
                                [{"field": "saleProp", "message": "duplicate"}])
        if any(model.images for model in every) and not all(model.images for model in every):
            raise LazadaRefusal("4153", "E4153: If one SKU has images, every SKU must have images",
                                [{"field": "Images", "message": "missing on some SKUs"}])
        return models

    # --- calls ------------------------------------------------------------------------------------
    def create_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        product, is_json = self.product_of(params)
        if product.get("AssociatedSku"):
            return self.associate(product, shop, is_json)
        if not product.get("variation"):
            return super().create_product(params, shop, files)
        category, attributes, images, skus = self.checked_product(product, is_json)
        variations = self.check_variation(product["variation"])
        models = self.new_variants(skus, variations, [], shop, is_json)
        item = SandboxItem(shop_id=shop.shop_id, item_id=str(self.state.next_id()), seller_sku="",
                           name=str(attributes["name"]), price=0, stock=0, images=images,
                           description=str(attributes.get("description") or ""), variations=variations, models=models)
        item.payload = {"PrimaryCategory": category.category_id, "Attributes": attributes,
                        "Skus": {model.model_id: sku for model, sku in zip(item.models, skus, strict=True)}}
        self.state.items[item.item_id] = item
        return {"item_id": int(item.item_id), "item_status": "Active", "variation": variation_view(item),
                "sku_list": [sku_answer(item, model) for model in item.models]}

    def associate(self, product: dict[str, Any], shop: SandboxShop, is_json: bool) -> dict[str, Any]:
        """New SKUs join the product of ``AssociatedSku``, which must already have variants; a ``variation``
        sent along may add options but keeps the names and the options in use."""
        found = self.state.find_sku(shop.shop_id, str(product["AssociatedSku"]))
        if found is None:
            raise LazadaRefusal("207", f"E207: SKU {product['AssociatedSku']} not found",
                                [{"field": "AssociatedSku", "message": "not found"}])
        item = found[0]
        if not item.variations:
            raise invalid_variation(f"the product of {product['AssociatedSku']} has no variation")
        if product.get("ItemId") and str(product["ItemId"]) != item.item_id:
            raise invalid_variation(f"AssociatedSku {product['AssociatedSku']} is not in item {product['ItemId']}")
        skus = [sku for sku in self.skus_of(product, is_json) if not str(sku.get("SkuId") or "")]
        variations = self.check_variation(product["variation"]) if product.get("variation") else item.variations
        self.check_kept(item, variations)
        moved = {model.model_id: [variation.options.index(option)  # options may move within the new lists
                                  for variation, option in zip(variations, item.options_of(model), strict=True)]
                 for model in item.models}
        others = [replace(model, tier_index=moved[model.model_id]) for model in item.models]
        models = self.new_variants(skus, variations, others, shop, is_json)
        for model in item.models:
            model.tier_index = moved[model.model_id]
        item.variations = variations
        item.models.extend(models)
        item.payload.setdefault("Skus", {}).update(
            {model.model_id: sku for model, sku in zip(models, skus, strict=True)})
        item.updated_at = now()
        return {"item_id": int(item.item_id), "variation": variation_view(item),
                "sku_list": [sku_answer(item, model) for model in models]}

    @staticmethod
    def check_kept(item: SandboxItem, variations: list[SandboxVariation]) -> None:
        if [variation.name for variation in variations] != [variation.name for variation in item.variations]:
            raise invalid_variation("the variation names of a product cannot change")
        for model in item.models:
            for option, variation in zip(item.options_of(model), variations, strict=True):
                if option not in variation.options:
                    raise invalid_variation(f"{option} is in use by SKU {model.seller_sku}")

    def apply_sale_props(self, item: SandboxItem, skus: list[tuple[Sellable, dict[str, Any]]]) -> None:
        """Each SKU sent with a ``saleProp`` takes its options (``take_option``). Two SKUs on the same
        options are refused with 4112, a sale property the product does not have with 4143; a refusal
        changes nothing."""
        options = [list(variation.options) for variation in item.variations]
        indexes = {model.model_id: list(model.tier_index) for model in item.models}
        try:
            for sellable, sku in skus:
                if "saleProp" in sku:
                    self.apply_sale_prop(item, sellable, sku["saleProp"])
        except LazadaRefusal:
            for variation, kept in zip(item.variations, options, strict=True):
                variation.options = kept
            for model in item.models:
                model.tier_index = indexes[model.model_id]
            raise

    @staticmethod
    def apply_sale_prop(item: SandboxItem, sellable: Sellable, sale_prop: Any) -> None:
        names = [variation.name for variation in item.variations]
        if not isinstance(sellable, SandboxModel) or not isinstance(sale_prop, dict) or sorted(sale_prop) != sorted(names):
            raise not_a_sale_prop(item)
        wanted = [str(sale_prop[name]).strip() for name in names]
        if not all(wanted):
            raise invalid_variation(f"SKU {sellable.seller_sku} needs an option of each variation")
        if any(model is not sellable and item.options_of(model) == wanted for model in item.models):
            raise LazadaRefusal("4112", "E4112: Duplicate sale property values: two SKUs have the same saleProp",
                                [{"field": "saleProp", "message": "duplicate", "sku_id": sellable.model_id}])
        for position, option in enumerate(wanted):
            take_option(item, sellable, position, option)

    def update_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        """With ``AssociatedSku``, the SKUs sent without ``SkuId`` are added; the others are updated."""
        request, is_json = parse_request(params.get("payload"))
        product = request.get("Product") or {}
        if not product.get("AssociatedSku"):
            return self.update_item(product, shop, is_json)
        added = self.associate(product, shop, is_json)
        known = [sku for sku in self.skus_of(product, is_json) if str(sku.get("SkuId") or "")]
        updated = self.update_item({**product, "Skus": {"Sku": known}}, shop, is_json)
        return {**updated, "variation": added["variation"], "sku_list": added["sku_list"]}

    def remove_sku(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        """Removes variants; the product keeps at least one (the reference gives no code for that refusal:
        ``501``, Lazada's generic "update failed" with its ``detail``, is the closest)."""
        request, is_json = parse_request(params.get("payload"))
        product = request.get("Product") or {}
        if not product.get("ItemId"):
            raise LazadaRefusal("1", "E001: ItemId is mandatory", [{"field": "ItemId", "message": "missing"}])
        item = self.shop_item(shop, product["ItemId"])
        ids = [str(sku.get("SkuId") or "") if isinstance(sku, dict) else str(sku)
               for sku in listed((product.get("Skus") or {}).get("Sku"), is_json)]
        if not ids:
            raise LazadaRefusal("4216", "E4216: SkuId is mandatory", [{"field": "SkuId", "message": "missing"}])
        skus = {sku_id_of(sku): sku for sku in item.sellables()}
        unknown = [sku_id for sku_id in ids if sku_id not in skus]
        if unknown:
            raise LazadaRefusal("207", f"E207: SKU {unknown[0]} not found", [{"field": "SkuId", "message": unknown[0]}])
        if set(ids) >= set(skus):
            raise LazadaRefusal("501", "E501: Update product failed", [
                {"field": "SkuId", "message": "a product must keep at least one SKU", "sku_id": ids[0]}], kind="ISP")
        item.models = [model for model in item.models if model.model_id not in ids]
        item.updated_at = now()
        return {}

    def get_item(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        item = self.shop_item(shop, params.get("item_id"))
        return {**self.product_view(item), "variation": variation_view(item), "rejectReason": []}
