"""The Shopee Open Platform v2 client for one shop (reference shopee.md).

GET calls carry everything in the query; POST calls carry the signed common parameters in the query
and the request as a JSON body; image uploads are multipart. Each attempt is signed afresh, since the
timestamp must be within five minutes of Shopee's clock.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

import httpx
from pydantic import BaseModel, Field, SecretStr, StringConstraints

from adapters.common.answers import (
    MAX_COUNT,
    Count,
    ExternalId,
    Money,
    NumericId,
    ShortText,
    malformed_answer,
)
from adapters.common.contract import (
    CredentialsListener,
    ItemRef,
    ItemResult,
    ItemsPage,
    ListingDraft,
    OrderLineRecord,
    OrderRecord,
    OrderStatus,
    Photo,
    PriceUpdate,
    ProductDraft,
    PushNotice,
    ShopCredentials,
    StockUpdate,
)
from adapters.common.creating import bound_to_existing, create_once
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.errors import local_error as common_local_error
from adapters.common.http import HttpSettings, MarketplaceHttp
from adapters.common.readiness import Reason
from adapters.common.setup import (
    AttributeInput,
    AttributeOption,
    ItemLimits,
    LeafSetup,
    LogisticsChannel,
    SetupAttribute,
    SetupBrand,
    SetupCategory,
)
from adapters.common.shop import TokenAdapter
from adapters.shopee import CAPABILITIES, SPEC, envelope, mapping, push
from adapters.shopee.signing import PUBLIC_PATHS, common_params
from catalog.chunks import chunked
from catalog.i18n import t
from catalog.money import format_vnd

A = TypeVar("A", bound=BaseModel)

API = "/api/v2"
MODELS_PER_CALL = 50  # update_price / update_stock: one item, at most 50 models
IDS_PER_CALL = 50  # get_item_base_info, unlist_item, get_order_detail
ITEMS_PAGE_SIZE = 50
ORDERS_PAGE_SIZE = 100
ORDER_WINDOW = timedelta(days=15)
LISTED_STATUSES = ("NORMAL", "UNLIST", "BANNED", "REVIEWING")
ITEM_STATUSES = {"NORMAL": "live", "UNLIST": "unlisted", "BANNED": "hidden", "SELLER_DELETE": "deleted",
                 "SHOPEE_DELETE": "deleted", "REVIEWING": "reviewing"}
ORDER_STATUSES: dict[str, OrderStatus] = {"CANCELLED": "cancelled", "TO_RETURN": "returned",
                                          "COMPLETED": "completed"}
ORDER_DETAIL_FIELDS = "item_list,total_amount,pay_time,cancel_by,cancel_reason"
BRANDS_PAGE_SIZE = 100  # get_brand_list's most
LANGUAGE = "vi"  # get_category and get_brand_list for VN; get_attribute_tree's record says "vn" (shopee.md §7)
LANGUAGE_FALLBACK = "vn"
INVALID_LANGUAGE = "error_invalid_language"
# Shopee states no smallest photo in get_item_limit; its seller centre asks for 500 × 500 px or more [chosen]
MIN_IMAGE_PX = 500
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # media_space/upload_image (§3.2)
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


# --- answers: just the fields used, each bounded (adapters/common/answers.py) -------------------------
# Lists of results may be left out when empty [?], so they default to empty; null is refused everywhere.
Token = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,512}$")]  # printable ASCII, no blanks
TokenLifetime = Annotated[int, Field(ge=60, le=366 * 24 * 3600)]  # seconds (4 h in practice)
EpochSeconds = Annotated[int, Field(ge=0, le=4_102_444_800)]  # up to 2100-01-01
SellerSku = Annotated[str, StringConstraints(max_length=100)]  # Shopee's own limit for item_sku
Status = Annotated[str, StringConstraints(max_length=40)]
Offset = Count | Literal[""]  # search_item answers a number, or "" on the last page


class TokenAnswer(BaseModel):
    access_token: Token
    refresh_token: Token
    expire_in: TokenLifetime


class PriceInfo(BaseModel):
    original_price: Money


class StockSummary(BaseModel):
    total_available_stock: Count
    total_reserved_stock: Count = 0  # held for a promotion: part of the seller's stock, which may not go below it

    @property
    def seller_stock(self) -> int:
        """The stock the seller sets (``update_stock``): what is available plus what a promotion holds."""
        return self.total_available_stock + self.total_reserved_stock


class StockInfo(BaseModel):
    summary_info: StockSummary


class BaseInfo(BaseModel):
    item_id: NumericId
    item_sku: SellerSku = ""
    item_name: ShortText | None = None
    item_status: Status
    price_info: list[PriceInfo] = []  # absent when the item has variants
    stock_info_v2: StockInfo | None = None
    has_model: bool = False


class ModelInfo(BaseModel):
    """A model in get_model_list, or as init_tier_variation and add_model answer it (id, SKU, option)."""

    model_id: NumericId
    model_sku: SellerSku = ""
    tier_index: Annotated[list[Count], Field(max_length=2)] = []
    price_info: list[PriceInfo] = []
    stock_info_v2: StockInfo | None = None


class TierOption(BaseModel):
    variation_option_name: ShortText


class Tier(BaseModel):
    variation_name: ShortText
    variation_option_list: list[TierOption] = []


class ModelsAnswer(BaseModel):
    """get_model_list, init_tier_variation and add_model: the item's tiers and (new) models."""

    standardise_tier_variation: list[Tier] = []
    model: list[ModelInfo] = []


class Done(BaseModel):
    """An answer whose ``response`` says nothing the client uses (update_tier_variation, delete_model)."""


class BaseInfoAnswer(BaseModel):
    item_list: list[BaseInfo] = []


class SearchAnswer(BaseModel):
    item_id_list: list[NumericId] = []
    next_offset: Offset = ""


class ListedItem(BaseModel):
    item_id: NumericId


class ItemListAnswer(BaseModel):
    item: list[ListedItem] = []
    has_next_page: bool
    next_offset: Count


class ImageInfo(BaseModel):
    image_id: ExternalId


class ImageAnswer(BaseModel):
    image_info: ImageInfo


class ItemAnswer(BaseModel):
    """add_item and update_item name the item they wrote."""

    item_id: NumericId


class ItemOutcome(BaseModel):
    item_id: NumericId
    failed_reason: ShortText = ""

    @property
    def key(self) -> str:
        return self.item_id


class ModelOutcome(BaseModel):
    model_id: NumericId
    failed_reason: ShortText = ""

    @property
    def key(self) -> str:
        return self.model_id


O = TypeVar("O", ItemOutcome, ModelOutcome)


class Outcomes(BaseModel, Generic[O]):
    """A write on several items (unlist_item) or models (update_price, update_stock): each one sent is
    in one of the two lists."""

    success_list: list[O] = []
    failure_list: list[O] = []

    def error_for(self, api: str, wanted: str, field: str) -> ErrorInfo | None:
        """Why ``wanted`` failed, or ``None`` if it is listed as done. In neither list, nothing says it
        was done: a malformed answer."""
        if (failed := next((entry for entry in self.failure_list if entry.key == wanted), None)) is not None:
            return local_error("", failed.failed_reason, field)
        if any(entry.key == wanted for entry in self.success_list):
            return None
        return malformed_answer(envelope.MARKETPLACE, api, f"{wanted} is in neither success_list nor "
                                                           "failure_list").info


class OrderSn(BaseModel):
    order_sn: ExternalId


class OrderListAnswer(BaseModel):
    order_list: list[OrderSn] = []
    more: bool
    next_cursor: ExternalId | Literal[""] = ""


class OrderedModel(BaseModel):
    item_id: NumericId
    model_id: NumericId
    item_sku: SellerSku = ""
    model_sku: SellerSku = ""
    model_quantity_purchased: Annotated[int, Field(ge=1, le=MAX_COUNT)]
    model_original_price: Money = 0
    model_discounted_price: Money = 0  # 0 for bundle deals


class OrderDetail(BaseModel):
    order_sn: ExternalId
    order_status: Status
    create_time: EpochSeconds
    update_time: EpochSeconds
    total_amount: Money
    item_list: list[OrderedModel]  # asked for in response_optional_fields


class OrderDetailAnswer(BaseModel):
    order_list: list[OrderDetail] = []


class LostPush(BaseModel):
    """A push Shopee kept: the push's own body (``push.read`` checks what is in ``data``)."""

    shop_id: Annotated[int, Field(ge=0, le=2**63)]
    code: Annotated[int, Field(ge=0, le=1000)]
    timestamp: EpochSeconds
    data: dict[str, Any] = {}


class LostPushesAnswer(BaseModel):
    push_message_list: Annotated[list[LostPush], Field(max_length=100)] = []
    has_next_page: bool = False
    last_message_id: Annotated[int, Field(ge=0, le=2**63)] = 0


# --- setup answers (marketplace-gaps.md §d5) ----------------------------------------------------------
Length = Annotated[int, Field(ge=0, le=1_000_000)]


class CategoryNode(BaseModel):
    category_id: NumericId
    parent_category_id: NumericId
    original_category_name: ShortText = ""
    display_category_name: ShortText = ""
    has_children: bool


class CategoryAnswer(BaseModel):
    category_list: Annotated[list[CategoryNode], Field(max_length=100_000)] = []


class AttributeValueInfo(BaseModel):
    value_id: NumericId
    name: ShortText = ""


class AttributeInfo(BaseModel):
    input_type: Annotated[int, Field(ge=0, le=10)] = 3
    input_validation_type: Annotated[int, Field(ge=0, le=10)] = 0
    format_type: Annotated[int, Field(ge=0, le=10)] = 1
    attribute_unit_list: Annotated[list[ShortText], Field(max_length=100)] = []


class AttributeNode(BaseModel):
    attribute_id: NumericId
    mandatory: bool = False
    name: ShortText
    attribute_value_list: Annotated[list[AttributeValueInfo], Field(max_length=10_000)] = []
    attribute_info: AttributeInfo = AttributeInfo()


class CategoryAttributes(BaseModel):
    category_id: NumericId
    attribute_tree: Annotated[list[AttributeNode], Field(max_length=1000)] = []


class AttributeTreeAnswer(BaseModel):
    categories: Annotated[list[CategoryAttributes], Field(max_length=20, alias="list")] = []


class Brand(BaseModel):
    brand_id: NumericId
    original_brand_name: ShortText = ""
    display_brand_name: ShortText = ""


class BrandPage(BaseModel):
    brand_list: Annotated[list[Brand], Field(max_length=BRANDS_PAGE_SIZE)] = []
    has_next_page: bool = False
    next_offset: Count = 0
    is_mandatory: bool = False


class Range(BaseModel):
    min_limit: Length = 0
    max_limit: Length


class WeightLimit(BaseModel):
    weight_mandatory: bool = True


class DimensionLimit(BaseModel):
    dimension_mandatory: bool = False


class GtinLimit(BaseModel):
    gtin_validation_rule: Annotated[str, StringConstraints(max_length=20)] = "Optional"


class ItemLimitAnswer(BaseModel):
    item_name_length_limit: Range
    item_description_length_limit: Range
    item_image_count_limit: Range
    weight_limit: WeightLimit = WeightLimit()
    dimension_limit: DimensionLimit = DimensionLimit()
    gtin_limit: GtinLimit = GtinLimit()


class Channel(BaseModel):
    logistics_channel_id: NumericId
    logistics_channel_name: ShortText = ""
    enabled: bool = False
    mask_channel_id: Annotated[int, Field(ge=0, le=2**63)] = 0


class ChannelListAnswer(BaseModel):
    logistics_channel_list: Annotated[list[Channel], Field(max_length=1000)] = []


class RecommendAnswer(BaseModel):
    category_id: Annotated[list[NumericId], Field(max_length=100)] = []




def order_status(shopee_status: str) -> OrderStatus:
    """``IN_CANCEL`` is still sold until Shopee says ``CANCELLED`` (§4.3)."""
    return ORDER_STATUSES.get(shopee_status, "open")


def attribute_input(info: AttributeInfo) -> AttributeInput:
    """Drop-downs (1 single, 4 multiple) take only their options; combo boxes (2, 5) and free text (3) take
    any value, of the kind ``input_validation_type`` says (1 int, 3 float, 4 date), a combo box's options
    then being suggestions."""
    if info.input_type in (4, 5):
        return "multi_select"
    if info.input_type == 1:
        return "select"
    if info.input_validation_type in (1, 3):
        return "number"
    return "date" if info.input_validation_type == 4 else "text"


def setup_attribute(node: AttributeNode) -> SetupAttribute:
    """One attribute of ``get_attribute_tree`` (the attributes a value's ``child_attribute_list`` adds are not
    read: none of the farm leaves has them)."""
    unit = node.attribute_info.attribute_unit_list[0] \
        if node.attribute_info.format_type == 2 and node.attribute_info.attribute_unit_list else None
    return SetupAttribute(
        attribute_id=node.attribute_id, name=node.name, mandatory=node.mandatory,
        input=attribute_input(node.attribute_info), unit=unit,
        options=[AttributeOption(value_id=value.value_id, name=value.name) for value in node.attribute_value_list])


def item_limits(answer: ItemLimitAnswer) -> ItemLimits:
    name, description, images = (answer.item_name_length_limit, answer.item_description_length_limit,
                                 answer.item_image_count_limit)
    return ItemLimits(
        name_length=(name.min_limit, name.max_limit),
        description_length=(description.min_limit, description.max_limit),
        max_images=max(images.max_limit, 1), min_image_px=MIN_IMAGE_PX, max_image_bytes=MAX_IMAGE_BYTES,
        weight_mandatory=answer.weight_limit.weight_mandatory,
        dimensions_mandatory=answer.dimension_limit.dimension_mandatory,
        # Flexible takes "00" for an item without one: only Mandatory needs a real GTIN
        gtin_mandatory=answer.gtin_limit.gtin_validation_rule == "Mandatory",
    )


def photo_refusal(photo: Photo, why: str) -> MarketplaceError:
    return MarketplaceError(local_error("", f"photo {photo.digest[:12]}: {why}", "images").model_copy(
        update={"reason": Reason.photo_missing.value}))


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def failure(seller_sku: str, info: ErrorInfo) -> ItemResult:
    return ItemResult(seller_sku=seller_sku, ok=False, error=info)


local_error = partial(common_local_error, envelope.MARKETPLACE)


def price_ratio_refusal(draft: ProductDraft) -> ErrorInfo | None:
    """Shopee refuses the variants of an item whose dearest pack costs more than 5 times its cheapest, once the
    item is made: refused here first, nothing is created."""
    cheapest, dearest = min(draft.packs, key=lambda p: p.price), max(draft.packs, key=lambda p: p.price)
    ratio = CAPABILITIES.max_price_ratio
    if ratio is None or dearest.price <= ratio * cheapest.price:
        return None
    return local_error("product.error_param", t("shopee_price_ratio", dearest=dearest.variant or dearest.seller_sku,
                                                 dearest_price=format_vnd(dearest.price), ratio=ratio,
                                                 cheapest=cheapest.variant or cheapest.seller_sku,
                                                 cheapest_price=format_vnd(cheapest.price)), "original_price")


def item_ref(item: BaseInfo) -> ItemRef:
    """An ItemRef from a ``get_item_base_info`` item (an item without variants)."""
    return ItemRef(
        seller_sku=item.item_sku,
        item_id=item.item_id,
        name=item.item_name,
        price=item.price_info[0].original_price if item.price_info else 0,
        stock=item.stock_info_v2.summary_info.seller_stock if item.stock_info_v2 else 0,
        reserved_stock=item.stock_info_v2.summary_info.total_reserved_stock if item.stock_info_v2 else None,
        status=ITEM_STATUSES.get(item.item_status, item.item_status.lower()),
    )


def model_ref(item: BaseInfo, model: ModelInfo) -> ItemRef:
    """An ItemRef for one model of an item with variants: the pack's SKU, price and stock."""
    return ItemRef(
        seller_sku=model.model_sku,
        item_id=item.item_id,
        sku_id=model.model_id,
        name=item.item_name,
        price=model.price_info[0].original_price if model.price_info else 0,
        stock=model.stock_info_v2.summary_info.seller_stock if model.stock_info_v2 else 0,
        reserved_stock=model.stock_info_v2.summary_info.total_reserved_stock if model.stock_info_v2 else None,
        status=ITEM_STATUSES.get(item.item_status, item.item_status.lower()),
    )


def pack_results(api: str, item: ItemRef, packs: list[ListingDraft], models: list[ModelInfo]) -> list[ItemResult]:
    """One result per pack, bound to the model carrying its SKU; a pack the answer does not name is
    not known to be on Shopee."""
    model_ids = {model.model_sku: model.model_id for model in models}
    results = []
    for pack in packs:
        if (model_id := model_ids.get(pack.seller_sku)) is None:
            info = malformed_answer(envelope.MARKETPLACE, api, f"no model carries {pack.seller_sku}").info
            results.append(failure(pack.seller_sku, info))
            continue
        ref = ItemRef(seller_sku=pack.seller_sku, item_id=item.item_id, sku_id=model_id, name=item.name,
                      price=pack.price, stock=pack.stock, status="live")
        results.append(ItemResult(seller_sku=pack.seller_sku, ok=True, ref=ref))
    return results


def models_on_tier(current: ModelsAnswer) -> set[str]:
    """The models of a one-tier item whose option ``get_model_list`` names."""
    if not current.standardise_tier_variation:
        return set()
    count = len(current.standardise_tier_variation[0].variation_option_list)
    return {model.model_id for model in current.model if model.tier_index and model.tier_index[0] < count}


def renamed_tier(current: ModelsAnswer, wanted: dict[str, str]
                 ) -> tuple[str, list[str], dict[str, list[int]], set[str]]:
    """The tier once each model in ``wanted`` (all on the tier) has its option: the option renamed, or,
    when the tier has one of that name no model is on (a removed pack's), the model moved onto it. Gives
    the tier's name and options, each model's ``tier_index`` and the models changed."""
    tier = current.standardise_tier_variation[0]
    options = [option.variation_option_name for option in tier.variation_option_list]
    index_of = {model.model_id: list(model.tier_index) for model in current.model}
    changed = set()
    for model_id, option in wanted.items():
        position = index_of[model_id][0]
        if options[position] == option:
            continue
        changed.add(model_id)
        target = options.index(option) if option in options else None
        if target is not None and all(index[:1] != [target] for index in index_of.values()):
            index_of[model_id][0] = target
        else:
            options[position] = option
    return tier.variation_name, options, index_of, changed


def next_offset(what: str, offset: int, following: int) -> str:
    """Offsets only grow: an answer whose next page does not come after this one would page forever."""
    if following <= offset:
        raise malformed_answer(envelope.MARKETPLACE, what, f"next_offset {following} does not pass {offset}")
    return str(following)


def window_starts(since: datetime, until: datetime) -> Iterator[tuple[datetime, datetime]]:
    """``[since, until]`` cut into windows of at most 15 days (get_order_list's limit)."""
    start = since
    while start < until:
        end = min(start + ORDER_WINDOW, until)
        yield start, end
        start = end


class ShopeeAdapter(TokenAdapter):
    """One Shopee shop, through the Open Platform v2 API."""

    capabilities = CAPABILITIES
    refresh_ahead = SPEC.token_refresh_ahead

    def __init__(
        self,
        base_url: str,
        credentials: ShopCredentials,
        *,
        on_credentials: CredentialsListener | None = None,
        http: HttpSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        variant_wait_s: float | None = None,
    ):
        """``variant_wait_s``: how long after ``add_item`` before its variants are sent (tests shorten it)."""
        super().__init__(credentials, MarketplaceHttp("shopee", base_url.rstrip("/"),
                                                      requests_per_second=CAPABILITIES.requests_per_second,
                                                      settings=http, transport=transport), on_credentials)
        self.items_page_size = ITEMS_PAGE_SIZE
        self.orders_page_size = ORDERS_PAGE_SIZE
        self.brands_page_size = BRANDS_PAGE_SIZE
        self.variant_wait_s = variant_wait_s if variant_wait_s is not None else CAPABILITIES.variant_wait()
        self._packs: dict[str, ItemRef] | None = None  # the shop's models by SKU, read once (find_by_seller_sku)
        self._lost_up_to: int | None = None  # last_message_id of the lost pushes read, until confirmed

    def __repr__(self) -> str:
        return f"ShopeeAdapter({str(self.http.client.base_url)!r}, shop_id={self.credentials.shop_id!r})"

    # --- wire ---------------------------------------------------------------------------------
    @property
    def partner_id(self) -> int:
        return int(self.credentials.app_key)

    @property
    def shop_id(self) -> int:
        return int(self.credentials.shop_id)

    def _request(self, method: str, api: str, *, query: dict[str, Any] | None = None,
                 body: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> httpx.Request:
        path = f"{API}/{api}"
        key = self.credentials.app_secret.get_secret_value()
        if path in PUBLIC_PATHS:
            signed = common_params(key, self.partner_id, path)
        else:
            signed = common_params(key, self.partner_id, path, access_token=self._access_token() or "",
                                   shop_id=self.shop_id)
        params = {**(query or {}), **signed}
        if method == "GET":
            return self.http.client.build_request("GET", path, params=params)
        if files is not None:
            return self.http.client.build_request("POST", path, params=params, files=files)
        return self.http.client.build_request("POST", path, params=params, json=body or {})

    async def _call(self, method: str, api: str, answer: type[A], **parts: Any) -> A:
        """A shop call whose ``response`` is read as ``answer`` (a malformed one is retried as transient)."""
        return await self._send(lambda: self._request(method, api, **parts),
                                partial(envelope.response_of, answer, api))

    async def _call_unretried(self, method: str, api: str, answer: type[A], **parts: Any) -> A:
        return await self._send_unretried(lambda: self._request(method, api, **parts),
                                          partial(envelope.response_of, answer, api))

    async def _public_call(self, method: str, api: str, answer: type[A], **parts: Any) -> A:
        """A partner-level call (no token): its ``response`` read as ``answer``."""
        return await self.http.call(lambda: self._request(method, api, **parts),
                                    partial(envelope.response_of, answer, api))

    async def _token_call(self, api: str, body: dict[str, Any]) -> ShopCredentials:
        answer = await self.http.call(lambda: self._request("POST", api, body=body),
                                      partial(envelope.answer_of, TokenAnswer, api))
        return await self._store_tokens(answer)

    # --- tokens -------------------------------------------------------------------------------
    async def authorize(self, code: str) -> ShopCredentials:
        """``auth/token/get``: the one-time code from the seller's consent for this shop's tokens."""
        return await self._token_call("auth/token/get",
                                      {"code": code, "partner_id": self.partner_id, "shop_id": self.shop_id})

    async def refresh_credentials(self) -> ShopCredentials:
        """``auth/access_token/get``: the refresh token is single use, so the new pair is kept at once."""
        refresh_token = self.credentials.refresh_token
        if refresh_token is None:
            raise MarketplaceError(local_error(envelope.ERROR_REFRESH_TOKEN, "no refresh token; authorise again",
                                               "refresh_token", kind=ErrorKind.auth_expired))
        return await self._token_call("auth/access_token/get", {
            "refresh_token": refresh_token.get_secret_value(), "partner_id": self.partner_id,
            "shop_id": self.shop_id})

    async def _store_tokens(self, answer: TokenAnswer) -> ShopCredentials:
        now = datetime.now(UTC)
        return await self._keep(self.credentials.model_copy(update={
            "access_token": SecretStr(answer.access_token),
            "refresh_token": SecretStr(answer.refresh_token),
            "access_expires_at": now + timedelta(seconds=answer.expire_in),
            "refresh_expires_at": now + timedelta(days=30),
        }))

    # --- reading items ------------------------------------------------------------------------
    async def _base_info(self, item_ids: list[str]) -> list[BaseInfo]:
        items = []
        for chunk in chunked(item_ids, IDS_PER_CALL):
            answer = await self._call("GET", "product/get_item_base_info", BaseInfoAnswer,
                                      query={"item_id_list": ",".join(chunk)})
            items += answer.item_list
        return items

    async def _model_list(self, item_id: str) -> ModelsAnswer:
        return await self._call("GET", "product/get_model_list", ModelsAnswer, query={"item_id": item_id})

    async def _refs(self, item: BaseInfo) -> list[ItemRef]:
        """The item itself, or one ref per model when it has variants."""
        if not item.has_model:
            return [item_ref(item)]
        return [model_ref(item, model) for model in (await self._model_list(item.item_id)).model]

    async def _item_with_sku(self, item_sku: str) -> BaseInfo | None:
        """``product/search_item`` by ``item_sku``, confirmed by each item's own SKU (the search is loose)."""
        offset = 0
        while True:
            answer = await self._call("GET", "product/search_item", SearchAnswer, query={
                "item_sku": item_sku, "page_size": str(ITEMS_PAGE_SIZE), "offset": str(offset or ""),
                "item_status": list(LISTED_STATUSES),
            })
            matches = [item for item in await self._base_info(answer.item_id_list) if item.item_sku == item_sku]
            if matches:
                return matches[0]
            if not answer.item_id_list or answer.next_offset in ("", 0):
                return None
            offset = int(next_offset("product/search_item", offset, answer.next_offset))

    async def _find_item(self, item_sku: str) -> ItemRef | None:
        """An item without variants by its ``item_sku``: what ``create_listing`` binds to."""
        item = await self._item_with_sku(item_sku)
        return None if item is None or item.has_model else item_ref(item)

    async def find_by_seller_sku(self, seller_sku: str) -> ItemRef | None:
        """An item by its ``item_sku``, else a model by its ``model_sku``. ``search_item`` takes no model
        SKU (and a search by the product code is no guide: a pack's SKU need not start with it), so the
        models are read once per adapter, that is per run, from the whole shop (``list_items``), and kept
        up to date with this adapter's own writes; a model added elsewhere meanwhile is seen next run."""
        if (item := await self._find_item(seller_sku)) is not None:
            return item
        return (await self._pack_index()).get(seller_sku)

    async def _pack_index(self) -> dict[str, ItemRef]:
        if self._packs is None:
            packs: dict[str, ItemRef] = {}
            cursor: str | None = None
            while True:
                page = await self.list_items(cursor)
                packs.update({ref.seller_sku: ref for ref in page.items if ref.sku_id is not None})
                if (cursor := page.next_cursor) is None:
                    break
            self._packs = packs
        return self._packs

    def _remember_packs(self, results: list[ItemResult]) -> list[ItemResult]:
        """Keep the index of models in step with this adapter's own writes; gives ``results`` back."""
        if self._packs is not None:
            self._packs.update({result.seller_sku: result.ref for result in results if result.ref is not None})
        return results

    async def list_items(self, cursor: str | None = None) -> ItemsPage:
        """A page of items; an item with variants gives one ref per model (``get_model_list``)."""
        offset = int(cursor or 0)
        answer = await self._call("GET", "product/get_item_list", ItemListAnswer, query={
            "offset": str(offset), "page_size": str(self.items_page_size), "item_status": list(LISTED_STATUSES),
        })
        following = next_offset("product/get_item_list", offset, answer.next_offset) if answer.has_next_page \
            else None
        refs = []
        for item in await self._base_info([item.item_id for item in answer.item]):
            refs += await self._refs(item)
        return ItemsPage(items=refs, next_cursor=following)

    # --- setup (marketplace-gaps.md §d5) ---------------------------------------------------------
    async def category_tree(self) -> list[SetupCategory]:
        """``product/get_category`` in Vietnamese: every node, leaves (``has_children`` false) taking items."""
        answer = await self._call("GET", "product/get_category", CategoryAnswer, query={"language": LANGUAGE})
        return [SetupCategory(category_id=node.category_id, name=node.display_category_name or
                              node.original_category_name, parent_id=None if node.parent_category_id == "0"
                              else node.parent_category_id, leaf=not node.has_children)
                for node in answer.category_list]

    async def leaf_setup(self, category_id: str) -> LeafSetup:
        """``get_attribute_tree``, ``get_brand_list`` (every page of normal brands) and ``get_item_limit``."""
        brands, brand_mandatory = await self._brands(category_id)
        limits = await self._call("GET", "product/get_item_limit", ItemLimitAnswer,
                                  query={"category_id": category_id})
        return LeafSetup(category_id=category_id, attributes=await self._attributes(category_id), brands=brands,
                         brand_mandatory=brand_mandatory, limits=item_limits(limits))

    async def _attributes(self, category_id: str) -> list[SetupAttribute]:
        """In Vietnamese: ``vi`` as for the tree, else ``vn`` as get_attribute_tree's own record says."""
        for language in (LANGUAGE, LANGUAGE_FALLBACK):
            try:
                answer = await self._call("GET", "product/get_attribute_tree", AttributeTreeAnswer,
                                          query={"category_id_list": category_id, "language": language})
            except MarketplaceError as exc:
                if envelope.short_code(exc.info.code or "") == INVALID_LANGUAGE and language == LANGUAGE:
                    continue
                raise
            leaf = next((entry for entry in answer.categories if entry.category_id == category_id), None)
            if leaf is None:
                raise malformed_answer(envelope.MARKETPLACE, "product/get_attribute_tree",
                                       f"no attribute_tree for category {category_id}")
            return [setup_attribute(node) for node in leaf.attribute_tree]
        raise AssertionError("unreachable")  # pragma: no cover

    async def _brands(self, category_id: str) -> tuple[list[SetupBrand], bool]:
        """Every normal brand of the leaf, page by page, and whether a brand is mandatory there. No Brand
        (id 0) is not a brand: a listing without one sends it."""
        brands: list[SetupBrand] = []
        offset, mandatory = 0, False
        while True:
            page = await self._call("GET", "product/get_brand_list", BrandPage, query={
                "offset": str(offset), "page_size": str(self.brands_page_size), "category_id": category_id,
                "status": "1", "language": LANGUAGE})
            mandatory = page.is_mandatory
            brands += [SetupBrand(brand_id=brand.brand_id, name=brand.display_brand_name or brand.original_brand_name)
                       for brand in page.brand_list if brand.brand_id != "0"]
            if not page.has_next_page:
                return brands, mandatory
            offset = int(next_offset("product/get_brand_list", offset, page.next_offset))

    async def logistics_channels(self) -> list[LogisticsChannel]:
        """``logistics/get_channel_list``: an item may use a channel switched on and not under a masked one
        (``mask_channel_id`` 0)."""
        answer = await self._call("GET", "logistics/get_channel_list", ChannelListAnswer)
        return [LogisticsChannel(channel_id=channel.logistics_channel_id, name=channel.logistics_channel_name,
                                 enabled=channel.enabled and channel.mask_channel_id == 0)
                for channel in answer.logistics_channel_list]

    async def suggest_categories(self, name: str) -> list[str]:
        """``product/category_recommend`` for an item named ``name``: leaf ids, best first."""
        answer = await self._call("GET", "product/category_recommend", RecommendAnswer, query={"item_name": name})
        return list(answer.category_id)

    # --- photos -------------------------------------------------------------------------------
    async def _image_id(self, photo: Photo, uploaded: dict[str, str]) -> str:
        """Shopee takes only its own image ids (§3): a photo this shop already has (``remote``) is used as it
        is; another is read from the catalogue's store, the only file read, and uploaded once."""
        if photo.remote:
            return photo.remote
        if photo.digest in uploaded:
            return uploaded[photo.digest]
        try:
            content = Path(photo.path).read_bytes()
        except OSError:
            raise photo_refusal(photo, "not in the catalogue's photo store") from None
        answer = await self._call("POST", "media_space/upload_image", ImageAnswer,
                                  files={"image": (photo.filename, content, IMAGE_TYPES[photo.format])})
        uploaded[photo.digest] = answer.image_info.image_id
        return answer.image_info.image_id

    async def _image_ids(self, photos: list[Photo], uploaded: dict[str, str]) -> list[str]:
        """Each photo's image id; ``uploaded`` gathers those uploaded now (digest → id), kept on a failure too."""
        return [await self._image_id(photo, uploaded) for photo in photos[: CAPABILITIES.max_images]]

    # --- writing items ------------------------------------------------------------------------
    async def create_listing(self, draft: ListingDraft) -> ItemResult:
        """Create one item unless its seller SKU is already on Shopee."""
        try:
            mapping.listing_category(draft)
        except MarketplaceError as exc:
            return failure(draft.seller_sku, exc.info)
        if (existing := await bound_to_existing(draft.seller_sku, self._find_item)) is not None:
            return existing
        return await self._add_item(draft, partial(mapping.add_item_body, draft))

    async def _add_item(self, draft: ListingDraft, body_of: Callable[[list[str]], dict[str, Any]]) -> ItemResult:
        """Upload the photos, then ``add_item``. It is not idempotent: after an answer that was lost, the
        SKU is looked up before the create is sent again. The photos uploaded are on the result, even a failed
        one, so that they are not uploaded again."""
        uploaded: dict[str, str] = {}
        try:
            image_ids = await self._image_ids(draft.images, uploaded)
        except MarketplaceError as exc:
            if exc.kind is not ErrorKind.rejected:
                raise
            info = exc.info.model_copy(update={"field": exc.info.field or "images"})
            return failure(draft.seller_sku, info).model_copy(update={"photos": uploaded})
        body = body_of(image_ids)

        async def send() -> ItemResult:
            answer = await self._call_unretried("POST", "product/add_item", ItemAnswer, body=body)
            ref = ItemRef(seller_sku=draft.seller_sku, item_id=answer.item_id, name=body["item_name"],
                          price=body["original_price"], stock=body["seller_stock"][0]["stock"], status="live")
            return ItemResult(seller_sku=draft.seller_sku, ok=True, ref=ref)

        result = await create_once(draft.seller_sku, send, self._find_item, self.http)
        return result.model_copy(update={"photos": uploaded})

    # --- products with their packs as models ------------------------------------------------------
    async def create_product(self, draft: ProductDraft) -> list[ItemResult]:
        """``add_item`` for the product, then, after Shopee's wait, ``init_tier_variation``: one tier named
        ``variant_kind``, one model per pack. An item an earlier run left without its models (its
        variants refused) gets them now, without a second ``add_item``; a product already listed with
        models gets the packs it lacks (``add_packs``). A refused variants step fails every pack with
        Shopee's error."""
        if (too_far := price_ratio_refusal(draft)) is not None:
            return [failure(pack.seller_sku, too_far) for pack in draft.packs]
        try:
            mapping.listing_category(draft.product)
        except MarketplaceError as exc:
            return [failure(pack.seller_sku, exc.info) for pack in draft.packs]
        item_draft = mapping.product_item(draft)
        found = await self._item_with_sku(item_draft.seller_sku)
        if found is not None and found.has_model:
            return await self.add_packs(item_ref(found), draft, [pack.seller_sku for pack in draft.packs])
        photos: dict[str, str] = {}  # uploaded for the item now: on every pack's result
        if found is not None:
            item = item_ref(found)
        else:
            created = await self._add_item(item_draft, partial(mapping.add_product_body, draft))
            if created.ref is None:
                return [created.model_copy(update={"seller_sku": pack.seller_sku}) for pack in draft.packs]
            item, photos = created.ref, created.photos
            await asyncio.sleep(self.variant_wait_s)  # only this create waits; the others go on
        try:
            answer = await self._call("POST", "product/init_tier_variation", ModelsAnswer,
                                      body=mapping.init_tier_variation_body(int(item.item_id), draft))
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return [failure(pack.seller_sku, exc.info).model_copy(update={"photos": photos}) for pack in draft.packs]
        results = pack_results("product/init_tier_variation", item, draft.packs, answer.model)
        return self._remember_packs([result.model_copy(update={"photos": photos}) for result in results])

    async def add_packs(self, item: ItemRef, draft: ProductDraft, seller_skus: list[str]) -> list[ItemResult]:
        """``update_tier_variation`` with the new packs' options, every model kept on its option (read
        with ``get_model_list`` first), then ``add_model``. A pack that already is a model of the item
        (an earlier answer lost) is bound to it, not added twice."""
        packs_by_sku = {pack.seller_sku: pack for pack in draft.packs}
        packs = [packs_by_sku[seller_sku] for seller_sku in seller_skus]
        try:
            current = await self._model_list(item.item_id)
            present = {model.model_sku for model in current.model}
            added = await self._add_models(item.item_id, draft, current,
                                           [pack for pack in packs if pack.seller_sku not in present])
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return [failure(pack.seller_sku, exc.info) for pack in packs]
        return self._remember_packs(pack_results("product/add_model", item, packs, current.model + added))

    async def _add_models(self, item_id: str, draft: ProductDraft, current: ModelsAnswer,
                          packs: list[ListingDraft]) -> list[ModelInfo]:
        if not packs:
            return []
        option_of = dict(zip([pack.seller_sku for pack in draft.packs], draft.options, strict=True))
        tier = current.standardise_tier_variation[0] if current.standardise_tier_variation \
            else Tier(variation_name=draft.variant_kind)
        options = [option.variation_option_name for option in tier.variation_option_list]
        known = len(options)
        options += [option_of[pack.seller_sku] for pack in packs if option_of[pack.seller_sku] not in options]
        if len(options) > known:  # an option an earlier attempt added is there already
            kept = [{"model_id": int(model.model_id), "tier_index": model.tier_index} for model in current.model]
            await self._call("POST", "product/update_tier_variation", Done, body={
                "item_id": int(item_id), "standardise_tier_variation": [mapping.tier(tier.variation_name, options)],
                "model_list": kept})
        # not repeated blindly: a second add_model for the same option is refused, and add_packs binds it
        answer = await self._call_unretried("POST", "product/add_model", ModelsAnswer, body={
            "item_id": int(item_id),
            "model_list": [mapping.model(pack, options.index(option_of[pack.seller_sku])) for pack in packs]})
        return answer.model

    async def remove_pack(self, ref: ItemRef) -> ItemResult:
        """``delete_model``; Shopee refuses to delete an item's last model, and that refusal is the result."""
        if ref.sku_id is None:
            return failure(ref.seller_sku, local_error("", "not a pack of an item with variants", "sku_id"))
        try:
            await self._call("POST", "product/delete_model", Done,
                             body={"item_id": int(ref.item_id), "model_id": int(ref.sku_id)})
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return failure(ref.seller_sku, exc.info)
        if self._packs is not None:
            self._packs.pop(ref.seller_sku, None)
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={"status": "deleted"}))

    async def update_packs(self, item: ItemRef, draft: ProductDraft, refs: list[ItemRef]) -> list[ItemResult]:
        """Each pack's own content on its model: a renamed option through ``update_tier_variation`` (only
        when an option changed; the other models kept on theirs, read with ``get_model_list``), then SKU,
        weight, package and barcode through ``update_model``, 50 models a call. A refused rename fails the
        renamed packs, which then keep their old content too; a refused ``update_model`` the packs it carried."""
        packs = {pack.seller_sku: (pack, option) for pack, option in zip(draft.packs, draft.options, strict=True)}
        try:
            current = await self._model_list(item.item_id)
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return [failure(ref.seller_sku, exc.info) for ref in refs]
        known = models_on_tier(current)
        results: dict[int, ItemResult] = {}
        ready: list[tuple[int, ItemRef]] = []
        for index, ref in enumerate(refs):
            if ref.seller_sku in packs and ref.sku_id in known:
                ready.append((index, ref))
            else:
                results[index] = failure(ref.seller_sku, local_error(
                    "", f"{ref.seller_sku} is not a pack of the product on item {item.item_id}", "sku_id"))
        if refused := await self._rename_options(item.item_id, current,
                                                 {str(ref.sku_id): packs[ref.seller_sku][1] for _, ref in ready}):
            renamed, info = refused
            results.update({index: failure(ref.seller_sku, info) for index, ref in ready if ref.sku_id in renamed})
            ready = [(index, ref) for index, ref in ready if ref.sku_id not in renamed]
        for chunk in chunked(ready, MODELS_PER_CALL):
            results.update(await self._update_models(item.item_id, list(chunk), packs))
        return [results[index] for index in range(len(refs))]

    async def _rename_options(self, item_id: str, current: ModelsAnswer, wanted: dict[str, str]
                              ) -> tuple[set[str], ErrorInfo] | None:
        """``update_tier_variation`` with the options of the models in ``wanted`` renamed, when any is; a
        refusal comes back with the models it renamed."""
        if not wanted:
            return None
        name, options, index_of, renamed = renamed_tier(current, wanted)
        if not renamed:
            return None
        kept = [{"model_id": int(model_id), "tier_index": index} for model_id, index in index_of.items()]
        try:
            await self._call("POST", "product/update_tier_variation", Done, body={
                "item_id": int(item_id), "standardise_tier_variation": [mapping.tier(name, options)],
                "model_list": kept})
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return renamed, exc.info
        return None

    async def _update_models(self, item_id: str, rows: list[tuple[int, ItemRef]],
                             packs: dict[str, tuple[ListingDraft, str]]) -> dict[int, ItemResult]:
        body = {"item_id": int(item_id),
                "model": [mapping.update_model_entry(str(ref.sku_id), packs[ref.seller_sku][0]) for _, ref in rows]}
        try:
            await self._call("POST", "product/update_model", Done, body=body)
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return {index: failure(ref.seller_sku, exc.info) for index, ref in rows}
        return {index: ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy()) for index, ref in rows}

    async def update_content(self, ref: ItemRef, draft: ListingDraft) -> ItemResult:
        """``update_item``: name, description, SKU, weight, package, category, attributes, brand, photos (those
        uploaded now are on the result, failed or not)."""
        uploaded: dict[str, str] = {}
        try:
            mapping.listing_category(draft)
            image_ids = await self._image_ids(draft.images, uploaded)
            body = mapping.update_item_body(int(ref.item_id), draft, image_ids)
            await self._call("POST", "product/update_item", ItemAnswer, body=body)
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return failure(ref.seller_sku, exc.info).model_copy(update={"photos": uploaded})
        updated = ref.model_copy(update={"name": body["item_name"], "status": "live"})
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=updated, photos=uploaded)

    async def update_product(self, ref: ItemRef, draft: ProductDraft) -> ItemResult:
        """``update_item`` with the product's content: its name without a pack, its code as ``item_sku``."""
        return await self.update_content(ref, mapping.product_item(draft))

    async def delist(self, ref: ItemRef) -> ItemResult:
        """``unlist_item`` with ``unlist: true``; the item stays in the shop, hidden from buyers."""
        try:
            answer = await self._call("POST", "product/unlist_item", Outcomes[ItemOutcome],
                                      body={"item_list": [{"item_id": int(ref.item_id), "unlist": True}]})
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return failure(ref.seller_sku, exc.info)
        if info := answer.error_for("product/unlist_item", ref.item_id, "item_id"):
            return failure(ref.seller_sku, info)
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={"status": "unlisted"}))

    # --- prices and stock ---------------------------------------------------------------------
    async def update_prices(self, updates: list[PriceUpdate]) -> list[ItemResult]:
        """``update_price``: one call per item, its models' whole-đồng prices."""
        return await self._per_item("product/update_price", "price_list", "price",
                                    [(update.ref, update.price) for update in updates],
                                    lambda value: {"original_price": int(value)})

    async def update_stock(self, updates: list[StockUpdate]) -> list[ItemResult]:
        """``update_stock``: one call per item, the seller stock of its models."""
        return await self._per_item("product/update_stock", "stock_list", "stock",
                                    [(update.ref, update.stock) for update in updates],
                                    lambda value: {"seller_stock": [{"stock": int(value)}]})

    async def _per_item(self, api: str, list_key: str, attribute: str, changes: list[tuple[ItemRef, int]],
                        fields: Callable[[int], dict[str, Any]]) -> list[ItemResult]:
        """Group the changes by item (one item per call, at most 50 models) and read each model's
        outcome from ``success_list``/``failure_list``; a call refused whole fails its own rows only."""
        by_item: dict[str, list[int]] = {}
        for index, (ref, _) in enumerate(changes):
            by_item.setdefault(ref.item_id, []).append(index)
        results: dict[int, ItemResult] = {}
        for item_id, indexes in by_item.items():
            for chunk in chunked(indexes, MODELS_PER_CALL):
                rows = [(index, *changes[index]) for index in chunk]
                results.update(await self._send_item(api, list_key, attribute, item_id, rows, fields))
        return [results[index] for index in range(len(changes))]

    async def _send_item(self, api: str, list_key: str, attribute: str, item_id: str,
                         rows: list[tuple[int, ItemRef, int]],
                         fields: Callable[[int], dict[str, Any]]) -> dict[int, ItemResult]:
        body = {"item_id": int(item_id),
                list_key: [{"model_id": int(ref.sku_id or 0), **fields(value)} for _, ref, value in rows]}
        try:
            answer = await self._call("POST", api, Outcomes[ModelOutcome], body=body)
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.auth_expired:
                raise
            return {index: failure(ref.seller_sku, exc.info) for index, ref, _ in rows}
        outcome = {}
        for index, ref, value in rows:
            if info := answer.error_for(api, str(int(ref.sku_id or 0)), attribute):
                outcome[index] = failure(ref.seller_sku, info)
            else:
                outcome[index] = ItemResult(seller_sku=ref.seller_sku, ok=True,
                                            ref=ref.model_copy(update={attribute: value}))
        return outcome

    # --- pushes -------------------------------------------------------------------------------
    async def register_push(self, url: str) -> bool:
        """``push/set_app_push_config``: Shopee pushes order status (3), item promotion (7), reserved stock (8)
        and promotion updates (9) to ``url``. The address is the partner's, for every shop it serves."""
        await self._public_call("POST", "push/set_app_push_config", Done, body={
            "callback_url": url, "set_push_config_on": list(push.CODES_USED), "set_push_config_off": []})
        return True

    async def lost_pushes(self) -> list[PushNotice]:
        """``push/get_lost_push_message``: the earliest 100 pushes Shopee kept unconfirmed (the last 3 days).
        The call is the partner's, so each notice names its own shop, which may be another shop of the
        partner; the next ones come once these are confirmed."""
        answer = await self._public_call("GET", "push/get_lost_push_message", LostPushesAnswer)
        notices = []
        for lost in answer.push_message_list:
            try:
                notices.append(push.read(json.dumps(lost.model_dump(), ensure_ascii=False).encode()))
            except ValueError as exc:
                raise malformed_answer(envelope.MARKETPLACE, "push/get_lost_push_message", str(exc)) from None
        self._lost_up_to = answer.last_message_id if notices else None
        return notices

    async def confirm_lost_pushes(self, notices: list[PushNotice]) -> None:
        """``push/confirm_consumed_lost_push_message``: Shopee confirms by position, so the whole list the last
        :meth:`lost_pushes` read, up to its ``last_message_id``, is confirmed."""
        if not notices or self._lost_up_to is None:
            return
        await self._public_call("POST", "push/confirm_consumed_lost_push_message", Done,
                                body={"last_message_id": self._lost_up_to})
        self._lost_up_to = None

    # --- orders -------------------------------------------------------------------------------
    async def orders_since(self, watermark: datetime) -> list[OrderRecord]:
        """Orders updated from ``watermark`` to now: ``get_order_list`` by ``update_time`` in windows of
        at most 15 days, paged by cursor, then ``get_order_detail`` with ``item_list``, 50 at a time."""
        order_sns: list[str] = []
        for start, end in window_starts(watermark, datetime.now(UTC)):
            order_sns += await self._order_sns(start, end)
        details: list[OrderDetail] = []
        for chunk in chunked(list(dict.fromkeys(order_sns)), IDS_PER_CALL):
            answer = await self._call("GET", "order/get_order_detail", OrderDetailAnswer, query={
                "order_sn_list": ",".join(chunk), "response_optional_fields": ORDER_DETAIL_FIELDS,
            })
            details += answer.order_list
        return [self._order_record(order) for order in details]

    async def _order_sns(self, start: datetime, end: datetime) -> list[str]:
        sns: list[str] = []
        cursor = ""
        while True:
            answer = await self._call("GET", "order/get_order_list", OrderListAnswer, query={
                "time_range_field": "update_time", "time_from": str(epoch(start)), "time_to": str(epoch(end)),
                "page_size": str(self.orders_page_size), "cursor": cursor, "response_optional_fields": "order_status",
            })
            sns += [order.order_sn for order in answer.order_list]
            if not answer.more:
                return sns
            if answer.next_cursor in ("", cursor):
                raise malformed_answer(envelope.MARKETPLACE, "order/get_order_list",
                                       f"more pages, but next_cursor {answer.next_cursor!r} does not move on")
            cursor = answer.next_cursor

    @staticmethod
    def _order_record(order: OrderDetail) -> OrderRecord:
        """One line per (item, model); the SKU is the model's, else the item's (§4)."""
        lines = [
            OrderLineRecord(
                line_ref=f"{order.order_sn}-{line.item_id}-{line.model_id}",
                seller_sku=line.model_sku or line.item_sku,
                quantity=line.model_quantity_purchased,
                unit_price=line.model_discounted_price or line.model_original_price,
            )
            for line in order.item_list
        ]
        return OrderRecord(
            order_id=order.order_sn, status=order_status(order.order_status), marketplace_status=order.order_status,
            placed_at=from_epoch(order.create_time), updated_at=from_epoch(order.update_time),
            total=order.total_amount, lines=lines,
        )
