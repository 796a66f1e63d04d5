"""The Lazada Open Platform client for one seller (reference lazada.md).

System parameters and ``sign`` travel in the query string, business parameters (``payload``,
``apiRequestBody``…) in the form body of POSTs — the Java SDK's layout, which the signature covers
either way (§2.7). Token calls go to the auth host (§2.2), everything else to the country host.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field, SecretStr, StringConstraints

from adapters.common.answers import MAX_MONEY, Count, ExternalId, Money, NumericId, ShortText
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
    SetupAttribute,
    SetupBrand,
    SetupCategory,
)
from adapters.common.shop import TokenAdapter
from adapters.lazada import CAPABILITIES, SPEC, envelope, mapping
from adapters.lazada.envelope import LazadaError
from adapters.lazada.signing import sign, system_params
from catalog.chunks import chunked

log = logging.getLogger("syndicator.lazada")
A = TypeVar("A", bound=BaseModel)

MAX_SKUS_PER_CALL = 50
LOOKUP_SKUS_PER_CALL = 100
PRODUCTS_PAGE_LIMIT = 50
PRODUCTS_MAX_OFFSET = 10000
ORDERS_PAGE_LIMIT = 100
ORDERS_MAX_OFFSET = 5000
ORDER_IDS_PER_CALL = 50
MAX_IMAGES = CAPABILITIES.max_images
AUTH_HOST = "https://auth.lazada.com"
LAZADA_HOST_SUFFIXES = (".lazada.vn", ".lazada.com", ".lazada.sg", ".lazada.co.th", ".lazada.com.my",
                        ".lazada.com.ph", ".lazada.co.id")
LAZADA_IMAGE_HOST = "slatic.net"
BRANDS_PAGE_SIZE = 200  # /category/brands/query takes at most 200 a page
LANGUAGE = "vi_VN"
NO_SUGGESTION = "701"  # E701: Empty category suggestion
# Lazada's input types in ours; enumInput and multiEnumInput take values outside their options too
INPUTS: dict[str, AttributeInput] = {
    "text": "text", "richText": "text", "enumInput": "text", "numeric": "number", "date": "date",
    "singleSelect": "select", "multiSelect": "multi_select", "multiEnumInput": "multi_select",
}
# attributes every leaf lists that the mapper fills from the draft itself (name, description, brand, SKU
# and package fields), not from the mapping
FILLED_BY_MAPPER = frozenset({
    "name", "description", "short_description", "brand", "brand_id", "SellerSku", "price", "special_price",
    "special_from_date", "special_to_date", "quantity", "package_weight", "package_length", "package_width",
    "package_height", "package_content",
})
# Lazada's documented product rules (§4.2, §4.3): names up to 255 characters (at least ours, 10), descriptions up
# to 25,000, at most 8 photos of 330 px a side or more and 3 MB at most, package weight and sides mandatory
ITEM_LIMITS = ItemLimits(
    name_length=(CAPABILITIES.name_length[0], 255), description_length=(0, 25000), max_images=8,
    min_image_px=330, max_image_bytes=3_145_728, weight_mandatory=True, dimensions_mandatory=True,
)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ORDER_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


# Lazada order items each carry their own status; an order has none of its own (§5.1, §5.3).
CANCELLED_STATUSES = frozenset({"canceled", "cancelled", "failed", "failed_delivery", "shipped_back",
                                "shipped_back_success", "shipped_back_failed", "lost", "lost_by_3pl",
                                "damaged_by_3pl", "package_scrapped"})
RETURNED_STATUSES = frozenset({"returned"})
COMPLETED_STATUSES = frozenset({"delivered"})
ITEM_STATUSES = {"active": "live", "inactive": "unlisted", "deleted": "deleted"}


def api_root(base_url: str) -> str:
    """The host root whether the caller gave ``https://api.lazada.vn`` or ``…/rest``."""
    root = base_url.rstrip("/")
    return root.removesuffix("/rest")


def auth_root(base_url: str, credentials: ShopCredentials) -> str:
    """Token calls go to auth.lazada.com for the real hosts, to the same host for a stand-in."""
    if credentials.extra.get("auth_url"):
        return api_root(credentials.extra["auth_url"])
    host = urlsplit(base_url).hostname or ""
    return AUTH_HOST if host.endswith(LAZADA_HOST_SUFFIXES) else api_root(base_url)


def whole_dong(value: Any) -> Any:
    """Lazada money (number or string such as ``"120000.00"``) as whole đồng; what is not an amount in
    range is left for the model to refuse."""
    if isinstance(value, bool) or not isinstance(value, int | float | str) or len(str(value)) > 30:
        return value
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return value
    return int(amount) if amount.is_finite() and 0 <= amount <= MAX_MONEY else value


def order_time(value: Any) -> Any:
    """``"2026-03-02 09:23:36 +0700"`` as an aware datetime; anything else is left for the model to refuse."""
    try:
        return datetime.strptime(value, ORDER_TIME_FORMAT)
    except (TypeError, ValueError):
        return value


# --- answers: just the fields used, each bounded (adapters/common/answers.py) -------------------------
# Lists of results may be left out when empty [?], so they default to empty; null is refused everywhere.
Token = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,512}$")]  # printable ASCII, no blanks
TokenLifetime = Annotated[int, Field(ge=60, le=366 * 24 * 3600)]  # seconds (10 and 30 days in practice)
SkuText = Annotated[str, StringConstraints(max_length=200)]  # Lazada's own limit for SellerSku
StatusText = Annotated[str, StringConstraints(max_length=40)]
LazadaMoney = Annotated[Money, BeforeValidator(whole_dong)]
LazadaTime = Annotated[AwareDatetime, BeforeValidator(order_time)]
ImageUrl = Annotated[str, StringConstraints(pattern=r'^https?://[^\s<>"]{1,2000}$')]


class CountryUser(BaseModel):
    seller_id: ExternalId | None = None
    user_id: ExternalId | None = None


class TokenAnswer(BaseModel):
    access_token: Token
    refresh_token: Token | None = None
    expires_in: TokenLifetime
    refresh_expires_in: TokenLifetime | None = None
    country: StatusText | None = None
    account: ShortText | None = None
    country_user_info: list[CountryUser] = []  # token/create
    country_user_info_list: list[CountryUser] = []  # token/refresh


class Warehouse(BaseModel):
    sellableQuantity: Count = 0


class ChannelInventory(BaseModel):
    """Stock a campaign has locked (``channelInventories``, §4.6): sellable stock may not go below it. The
    reference names the list but not its fields; it is read as each entry's sellable quantity [?]."""

    sellableQuantity: Count = 0


class ProductSku(BaseModel):
    SellerSku: SkuText
    SkuId: NumericId
    Status: StatusText = ""
    price: LazadaMoney
    Available: Count | None = None
    quantity: Count | None = None
    multiWarehouseInventories: list[Warehouse] = []
    channelInventories: list[ChannelInventory] | None = None

    @property
    def campaign_locked(self) -> int | None:
        """What campaigns hold of the sellable stock, a push below which is refused (``4170``); None when the
        answer does not say."""
        if self.channelInventories is None:
            return None
        return sum(locked.sellableQuantity for locked in self.channelInventories)

    @property
    def sellable(self) -> int:
        """What buyers can buy: the sellable bucket of every warehouse."""
        if self.multiWarehouseInventories:
            return sum(warehouse.sellableQuantity for warehouse in self.multiWarehouseInventories)
        return self.Available if self.Available is not None else self.quantity or 0


class ProductAttributes(BaseModel):
    name: ShortText | None = None


class Product(BaseModel):
    item_id: NumericId
    status: StatusText = ""
    attributes: ProductAttributes | None = None
    skus: list[ProductSku] = []


class ProductsPage(BaseModel):
    products: Annotated[list[Product], Field(max_length=PRODUCTS_PAGE_LIMIT)] = []


class ProductsAnswer(BaseModel):
    data: ProductsPage


def as_list(value: Any) -> Any:
    """A list Lazada may send as its one element."""
    return [value] if isinstance(value, str) else value


class VariationOptions(BaseModel):
    option: Annotated[list[ShortText], BeforeValidator(as_list), Field(max_length=CAPABILITIES.max_variants)] = []


class Variation(BaseModel):
    name: ShortText
    options: VariationOptions = VariationOptions()


class Item(Product):
    """``/product/item/get``: a product and its variations (at most 2; none may come as null or empty)."""

    variation: Annotated[dict[str, Variation], BeforeValidator(lambda value: value or {}), Field(max_length=2)] = {}


class ItemAnswer(BaseModel):
    data: Item


class CreatedSku(BaseModel):
    seller_sku: SkuText
    sku_id: NumericId


class Created(BaseModel):
    item_id: NumericId
    sku_list: list[CreatedSku] = []
    item_status: StatusText | None = None


class CreatedAnswer(BaseModel):
    data: Created


class HostedImage(BaseModel):
    url: ImageUrl


class HostedImageData(BaseModel):
    image: HostedImage


class ImageAnswer(BaseModel):
    data: HostedImageData


class Acknowledged(BaseModel):
    """A write whose answer carries nothing we use beyond its ``code``."""


class Order(BaseModel):
    order_id: NumericId
    created_at: LazadaTime
    updated_at: LazadaTime
    price: LazadaMoney
    voucher: LazadaMoney = 0
    shipping_fee: LazadaMoney = 0
    statuses: list[StatusText] = []


class OrdersPage(BaseModel):
    orders: Annotated[list[Order], Field(max_length=ORDERS_PAGE_LIMIT)] = []


class OrdersAnswer(BaseModel):
    data: OrdersPage


class OrderItem(BaseModel):
    """One unit sold."""

    sku: SkuText
    status: StatusText = ""
    paid_price: LazadaMoney | None = None
    item_price: LazadaMoney | None = None

    @property
    def unit_price(self) -> int:
        return self.paid_price if self.paid_price is not None else self.item_price or 0


class OrderItems(BaseModel):
    order_id: NumericId
    order_items: list[OrderItem] = []


class OrderItemsAnswer(BaseModel):
    data: list[OrderItems]


# --- setup: the category tree, a leaf's attributes, brands and suggestions (§4.1, gaps §d5) -------------
class TreeNode(BaseModel):
    category_id: NumericId
    name: ShortText
    leaf: bool = False
    children: Annotated[list[TreeNode], Field(max_length=5000)] = []


class TreeAnswer(BaseModel):
    data: Annotated[list[TreeNode], Field(max_length=5000)] = []


class AttributeChoice(BaseModel):
    id: NumericId
    name: ShortText


def unit_name(value: Any) -> Any:
    """Lazada's ``unit`` is ``{precision, type: ["g", "kg"], numericMin, numericMax}``: the first unit."""
    if isinstance(value, dict):
        kinds = value.get("type")
        return kinds[0] if isinstance(kinds, list) and kinds else None
    return value


class CategoryAttribute(BaseModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    label: ShortText = ""
    is_mandatory: bool = False
    is_sale_prop: bool = False
    attribute_type: StatusText = "normal"
    input_type: StatusText = "text"
    options: Annotated[list[AttributeChoice], Field(max_length=5000)] = []
    unit: Annotated[ShortText | None, BeforeValidator(unit_name)] = None


class AttributesAnswer(BaseModel):
    data: Annotated[list[CategoryAttribute], Field(max_length=1000)] = []


class Brand(BaseModel):
    brand_id: NumericId
    name: ShortText


class BrandsPage(BaseModel):
    module: Annotated[list[Brand], Field(max_length=BRANDS_PAGE_SIZE)] = []
    total_record: Count = 0


class BrandsAnswer(BaseModel):
    data: BrandsPage


class Suggestion(BaseModel):
    categoryId: NumericId


class Suggestions(BaseModel):
    categorySuggestions: list[Suggestion] = []


class SuggestionAnswer(BaseModel):
    data: Suggestions


def setup_nodes(nodes: list[TreeNode], parent_id: str | None = None) -> list[SetupCategory]:
    """The nested tree as a flat list, each node after its parent."""
    flat = []
    for node in nodes:
        flat.append(SetupCategory(category_id=node.category_id, name=node.name, parent_id=parent_id,
                                  leaf=node.leaf))
        flat += setup_nodes(node.children, node.category_id)
    return flat


def setup_attribute(attribute: CategoryAttribute) -> SetupAttribute:
    return SetupAttribute(
        attribute_id=attribute.name, name=attribute.label or attribute.name, mandatory=attribute.is_mandatory,
        input=INPUTS.get(attribute.input_type, "text"), unit=attribute.unit, sale_prop=attribute.is_sale_prop,
        options=[AttributeOption(value_id=option.id, name=option.name) for option in attribute.options],
    )


def leaf_setup_of(category_id: str, attributes: list[CategoryAttribute], brands: list[SetupBrand]) -> LeafSetup:
    """What a leaf asks of an item: the attributes a mapping must fill (those the mapper fills from the draft
    itself and the photos left out), whether the brand is mandatory, and Lazada's documented limits with the
    package fields as this leaf has them."""
    by_name = {attribute.name: attribute for attribute in attributes}

    def mandatory(name: str) -> bool:
        return by_name[name].is_mandatory if name in by_name else True

    limits = ITEM_LIMITS.model_copy(update={
        "weight_mandatory": mandatory("package_weight"),
        "dimensions_mandatory": any(mandatory(side) for side in ("package_length", "package_width", "package_height")),
    })
    wanted = [setup_attribute(attribute) for attribute in attributes
              if attribute.name not in FILLED_BY_MAPPER and attribute.input_type != "img"]
    return LeafSetup(category_id=category_id, attributes=wanted, brands=brands, brand_mandatory=mandatory("brand"),
                     limits=limits)


def normalised_status(statuses: Iterable[str]) -> OrderStatus:
    seen = {status.lower() for status in statuses}
    if not seen:
        return "open"
    if seen <= CANCELLED_STATUSES:
        return "cancelled"
    if seen <= RETURNED_STATUSES | CANCELLED_STATUSES:
        return "returned"
    if seen <= COMPLETED_STATUSES | RETURNED_STATUSES | CANCELLED_STATUSES:
        return "completed"
    return "open"


def item_status(lazada_status: str) -> str:
    """Lazada's SKU or item status in our words: live, unlisted (seller took it down), deleted, or
    Lazada's own lowercased (``pending qc``, ``rejected``…)."""
    status = lazada_status.lower()
    return ITEM_STATUSES.get(status, status)


def failure(seller_sku: str, info: ErrorInfo, photos: dict[str, str] | None = None) -> ItemResult:
    return ItemResult(seller_sku=seller_sku, ok=False, error=info, photos=photos or {})


local_error = partial(common_local_error, envelope.MARKETPLACE)


def found_or_failure(seller_sku: str, found: dict[str, ItemRef]) -> ItemResult:
    ref = found.get(seller_sku)
    if ref is None:
        return failure(seller_sku, local_error("207", "SKU not found on Lazada", "SellerSku"))
    return ItemResult(seller_sku=seller_sku, ok=True, ref=ref)


def item_refs(product: Product) -> list[ItemRef]:
    """One ref per SKU of a ``/products/get`` product; stock is what buyers can buy (sellable)."""
    return [
        ItemRef(
            seller_sku=sku.SellerSku,
            item_id=product.item_id,
            sku_id=sku.SkuId,
            name=product.attributes.name if product.attributes else None,
            price=sku.price,
            stock=sku.sellable,
            reserved_stock=sku.campaign_locked,
            status=item_status(sku.Status or product.status),
        )
        for sku in product.skus
    ]


class LazadaAdapter(TokenAdapter):
    """One Lazada seller, through the Lazada Open Platform API."""

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
    ):
        self.root = api_root(base_url)
        self.auth_root = auth_root(base_url, credentials)
        super().__init__(credentials, MarketplaceHttp("lazada", self.root,
                                                      requests_per_second=CAPABILITIES.requests_per_second,
                                                      settings=http, transport=transport), on_credentials)
        self.batch_size = CAPABILITIES.price_batch_size
        self.orders_page_limit = ORDERS_PAGE_LIMIT
        self.orders_max_offset = ORDERS_MAX_OFFSET
        self.brands_page_size = BRANDS_PAGE_SIZE
        self._brands: list[SetupBrand] | None = None

    def __repr__(self) -> str:
        return f"LazadaAdapter({self.root!r}, shop_id={self.credentials.shop_id!r})"

    # --- wire ---------------------------------------------------------------------------------
    def _request(
        self, method: str, path: str, params: dict[str, str], *, root: str | None = None,
        with_token: bool = True, files: dict[str, Any] | None = None,
    ) -> httpx.Request:
        system = system_params(self.credentials.app_key, self._access_token() if with_token else None)
        system["sign"] = sign(self.credentials.app_secret.get_secret_value(), path, {**system, **params})
        url = f"{root or self.root}/rest{path}"
        if method == "GET":
            return self.http.client.build_request("GET", url, params={**system, **params})
        return self.http.client.build_request("POST", url, params=system, data=params, files=files)

    async def _call(
        self, method: str, path: str, answer: type[A], params: dict[str, str] | None = None, *,
        files: dict[str, Any] | None = None,
    ) -> A:
        """A seller call whose answer is read as ``answer`` (a malformed one is retried as transient)."""
        return await self._send(lambda: self._request(method, path, params or {}, files=files),
                                partial(envelope.answer_of, answer, path))

    async def _call_once(self, method: str, path: str, answer: type[A], params: dict[str, str]) -> A:
        return await self._send_unretried(lambda: self._request(method, path, params),
                                          partial(envelope.answer_of, answer, path))

    async def _token_call(self, path: str, params: dict[str, str]) -> ShopCredentials:
        answer = await self.http.call(
            lambda: self._request("POST", path, params, root=self.auth_root, with_token=False),
            partial(envelope.answer_of, TokenAnswer, path),
        )
        return await self._store_tokens(answer)

    # --- tokens -------------------------------------------------------------------------------
    async def authorize(self, code: str) -> ShopCredentials:
        return await self._token_call("/auth/token/create", {"code": code})

    async def refresh_credentials(self) -> ShopCredentials:
        refresh_token = self.credentials.refresh_token
        if refresh_token is None:
            raise MarketplaceError(local_error(envelope.ILLEGAL_REFRESH_TOKEN, "no refresh token; authorise again",
                                               "refresh_token", kind=ErrorKind.auth_expired))
        return await self._token_call("/auth/token/refresh", {"refresh_token": refresh_token.get_secret_value()})

    def _refresh_margin(self) -> timedelta:
        """48 hours ahead, or half the token's lifetime when Lazada issued a shorter one."""
        lifetime = self.credentials.extra.get("expires_in")
        return min(self.refresh_ahead, timedelta(seconds=int(lifetime) / 2)) if lifetime else self.refresh_ahead

    async def _store_tokens(self, answer: TokenAnswer) -> ShopCredentials:
        """Keep both tokens and the lifetimes Lazada returned (seconds), then tell the listener."""
        now = datetime.now(UTC)
        users = answer.country_user_info or answer.country_user_info_list
        seller_id = (users[0].seller_id or users[0].user_id) if users else None
        extra = {**self.credentials.extra, "expires_in": str(answer.expires_in),
                 "refresh_expires_in": str(answer.refresh_expires_in or "")}
        extra.update({key: value for key, value in (("country", answer.country), ("account", answer.account))
                      if value})
        return await self._keep(self.credentials.model_copy(
            update={
                "shop_id": seller_id or self.credentials.shop_id,
                "access_token": SecretStr(answer.access_token),
                "refresh_token": SecretStr(answer.refresh_token) if answer.refresh_token
                else self.credentials.refresh_token,
                "access_expires_at": now + timedelta(seconds=answer.expires_in),
                "refresh_expires_at": (
                    now + timedelta(seconds=answer.refresh_expires_in)
                    if answer.refresh_expires_in else self.credentials.refresh_expires_at
                ),
                "extra": extra,
            }
        ))

    # --- setup read from Lazada (§4.1, marketplace-gaps.md §d5) -------------------------------------
    async def category_tree(self) -> list[SetupCategory]:
        """``/category/tree/get`` in Vietnamese, flattened."""
        answer = await self._call("GET", "/category/tree/get", TreeAnswer, {"language_code": LANGUAGE})
        return setup_nodes(answer.data)

    async def leaf_setup(self, category_id: str) -> LeafSetup:
        """``/category/attributes/get`` of the leaf (``4227``/``4228`` for an unknown or inactive one) and the
        country's brands (Lazada's list is not per category)."""
        answer = await self._call("GET", "/category/attributes/get", AttributesAnswer,
                                  {"primary_category_id": category_id, "language_code": LANGUAGE})
        return leaf_setup_of(category_id, answer.data, await self.brands())

    async def brands(self) -> list[SetupBrand]:
        """``/category/brands/query`` paged by ``startRow`` until ``total_record`` (or a short page). The list is
        the country's, the same for every leaf, so it is read once per adapter."""
        if self._brands is None:
            brands: list[SetupBrand] = []
            while True:
                page = (await self._call("GET", "/category/brands/query", BrandsAnswer, {
                    "startRow": str(len(brands)), "pageSize": str(self.brands_page_size),
                })).data
                brands += [SetupBrand(brand_id=brand.brand_id, name=brand.name) for brand in page.module]
                if len(page.module) < self.brands_page_size or len(brands) >= page.total_record:
                    break
            self._brands = brands
        return self._brands

    async def suggest_categories(self, name: str) -> list[str]:
        """``/product/category/suggestion/get``; none to offer (``701``) is an empty list."""
        try:
            answer = await self._call("GET", "/product/category/suggestion/get", SuggestionAnswer,
                                      {"product_name": name})
        except LazadaError as exc:
            if exc.info.code == NO_SUGGESTION:
                return []
            raise
        return [suggestion.categoryId for suggestion in answer.data.categorySuggestions]

    # --- products -----------------------------------------------------------------------------
    async def _lookup(self, seller_skus: list[str]) -> dict[str, ItemRef]:
        """Our SKUs found on Lazada (live or not, deleted ones excluded), by seller SKU."""
        found: dict[str, ItemRef] = {}
        for chunk in chunked(dict.fromkeys(seller_skus), LOOKUP_SKUS_PER_CALL):
            wanted = json.dumps(list(chunk), ensure_ascii=False)
            offset, products = 0, None
            # up to 100 SKUs a call but 50 products a page: page until a short one (or Lazada's last offset)
            while (products is None or len(products) == PRODUCTS_PAGE_LIMIT) and offset <= PRODUCTS_MAX_OFFSET:
                answer = await self._call("GET", "/products/get", ProductsAnswer, {
                    "filter": "all", "limit": str(PRODUCTS_PAGE_LIMIT), "offset": str(offset),
                    "sku_seller_list": wanted,
                })
                products = answer.data.products
                for product in products:
                    found.update({ref.seller_sku: ref for ref in item_refs(product) if ref.seller_sku in chunk})
                offset += PRODUCTS_PAGE_LIMIT
        return found

    async def find_by_seller_sku(self, seller_sku: str) -> ItemRef | None:
        return (await self._lookup([seller_sku])).get(seller_sku)

    async def list_items(self, cursor: str | None = None) -> ItemsPage:
        offset = int(cursor or 0)
        answer = await self._call("GET", "/products/get", ProductsAnswer, {
            "filter": "all", "limit": str(PRODUCTS_PAGE_LIMIT), "offset": str(offset),
        })
        products = answer.data.products
        items = [ref for product in products for ref in item_refs(product)]
        following = offset + PRODUCTS_PAGE_LIMIT
        more = len(products) == PRODUCTS_PAGE_LIMIT and following <= PRODUCTS_MAX_OFFSET
        return ItemsPage(items=items, next_cursor=str(following) if more else None)

    async def _hosted(self, photos: list[Photo], uploaded: dict[str, str]) -> list[str]:
        """Lazada-hosted URLs for the first 8 photos: one this shop already holds is used as it is, the others
        are uploaded from the catalogue's store (``/image/upload``). ``uploaded`` gains each digest uploaded,
        so the engine keeps it even when a later photo or the call itself fails."""
        urls = []
        for photo in photos[:MAX_IMAGES]:
            if photo.remote is None:
                uploaded[photo.digest] = await self._upload(photo)
            urls.append(photo.remote or uploaded[photo.digest])
        return urls

    async def _upload(self, photo: Photo) -> str:
        try:
            content = Path(photo.path).read_bytes()
        except OSError:
            info = local_error("", f"photo {photo.digest[:12]} is not in the photo store", "images")
            raise MarketplaceError(info.model_copy(update={"reason": Reason.photo_missing.value})) from None
        answer = await self._call("POST", "/image/upload", ImageAnswer, files={"image": (photo.filename, content)})
        return answer.data.image.url

    async def _new_product_images(self, photos: list[Photo], uploaded: dict[str, str]) -> list[str] | ErrorInfo:
        """Lazada-hosted URLs for a new product's photos, or why one could not be hosted."""
        try:
            return await self._hosted(photos, uploaded)
        except MarketplaceError as exc:
            if exc.retryable:
                raise
            return exc.info.model_copy(update={"field": "images"})

    async def create_listing(self, draft: ListingDraft) -> ItemResult:
        """Create one product, unless the seller SKU is already on Lazada: a create is not idempotent,
        so the SKU is looked up first and again after any answer that was lost (§4.3)."""
        mapping.listing_category(draft)
        if (existing := await bound_to_existing(draft.seller_sku, self.find_by_seller_sku)) is not None:
            return existing
        uploaded: dict[str, str] = {}
        images = await self._new_product_images(draft.images, uploaded)
        if isinstance(images, ErrorInfo):
            return failure(draft.seller_sku, images, uploaded)
        params = {"payload": mapping.create_payload(draft, images)}
        [result] = await self._create_once([draft], params, mapping.listing_name(draft))
        return result.model_copy(update={"photos": uploaded})

    async def _create_once(self, skus: list[ListingDraft], params: dict[str, str], name: str) -> list[ItemResult]:
        """One ``/product/create`` of new SKUs, sent until answered (``create_once``, keyed by the first SKU):
        a refusal is every SKU's; SKUs an earlier attempt made (answer lost, or ``4105``) are read back."""
        answered: list[ItemResult] = []

        async def send() -> ItemResult:
            answer = await self._call_once("POST", "/product/create", CreatedAnswer, params)
            answered.extend(self._created(sku, answer, name) for sku in skus)
            return answered[0]

        first = await create_once(skus[0].seller_sku, send, self.find_by_seller_sku, self.http,
                                  duplicate_codes=envelope.DUPLICATE_SELLER_SKU_CODES)
        if answered or not first.ok:
            return answered or [first.model_copy(update={"seller_sku": sku.seller_sku}) for sku in skus]
        others = await self._lookup([sku.seller_sku for sku in skus[1:]])
        return [first, *(found_or_failure(sku.seller_sku, others) for sku in skus[1:])]

    @staticmethod
    def _created(draft: ListingDraft, answer: CreatedAnswer, name: str) -> ItemResult:
        created = answer.data
        sku = next((sku for sku in created.sku_list if sku.seller_sku == draft.seller_sku), None)
        ref = ItemRef(
            seller_sku=draft.seller_sku, item_id=created.item_id, sku_id=sku.sku_id if sku else None,
            name=name, price=draft.price, stock=draft.stock, status=item_status(created.item_status or "active"),
        )
        return ItemResult(seller_sku=draft.seller_sku, ok=True, ref=ref)

    # --- products with their packs as SKUs (marketplace-gaps.md §d1) ---------------------------
    async def create_product(self, draft: ProductDraft) -> list[ItemResult]:
        """One product with every pack as a SKU along ``draft.variant_kind``, created once: packs already
        on Lazada are bound and the missing ones join their product; otherwise as ``create_listing``."""
        mapping.listing_category(draft.product)
        seller_skus = [pack.seller_sku for pack in draft.packs]
        found = await self._lookup(seller_skus)
        if found:
            item = next(found[sku] for sku in seller_skus if sku in found)
            return await self._bound_or_joined(item, draft, seller_skus, found)
        uploaded: dict[str, str] = {}
        images = await self._new_product_images(draft.product.images, uploaded)
        if isinstance(images, ErrorInfo):
            return [failure(sku, images, uploaded) for sku in seller_skus]
        params = {"payload": mapping.product_create_payload(draft, images)}
        results = await self._create_once(draft.packs, params, mapping.product_name(draft))
        return [result.model_copy(update={"photos": uploaded}) for result in results]

    async def add_packs(self, item: ItemRef, draft: ProductDraft, seller_skus: list[str]) -> list[ItemResult]:
        """The packs named join ``item`` as new SKUs (``AssociatedSku`` on ``/product/create``); a pack
        already on Lazada is bound instead."""
        return await self._bound_or_joined(item, draft, seller_skus, await self._lookup(seller_skus))

    async def _bound_or_joined(
        self, item: ItemRef, draft: ProductDraft, seller_skus: list[str], found: dict[str, ItemRef]
    ) -> list[ItemResult]:
        missing = [sku for sku in seller_skus if sku not in found]
        joined = dict(zip(missing, await self._join(item, draft, missing), strict=True)) if missing else {}
        return [joined[sku] if sku in joined else found_or_failure(sku, found) for sku in seller_skus]

    async def _join(self, item: ItemRef, draft: ProductDraft, seller_skus: list[str]) -> list[ItemResult]:
        """New SKUs on the product of ``item``: its variation as Lazada holds it (name, options in use)
        gains the new packs' options, and an existing SKU of it is the ``AssociatedSku``."""
        packs = {pack.seller_sku: (pack, option) for pack, option in zip(draft.packs, draft.options, strict=True)}
        if unknown := [sku for sku in seller_skus if sku not in packs]:
            raise ValueError(f"not packs of the product: {', '.join(unknown)}")
        new_packs = [packs[sku][0] for sku in seller_skus]
        new_options = [packs[sku][1] for sku in seller_skus]
        try:
            product = (await self._call("GET", "/product/item/get", ItemAnswer, {"item_id": item.item_id})).data
        except MarketplaceError as exc:
            if exc.retryable or exc.kind is ErrorKind.auth_expired:
                raise
            return [failure(sku, exc.info) for sku in seller_skus]
        variation = product.variation.get("variation1")
        name = variation.name if variation else draft.variant_kind
        in_use = variation.options.option if variation else []
        associated = product.skus[0].SellerSku if product.skus else item.seller_sku
        payload = mapping.add_packs_payload(associated, name, list(dict.fromkeys([*in_use, *new_options])),
                                            new_packs, new_options)
        return await self._create_once(new_packs, {"payload": payload}, mapping.product_name(draft))

    async def remove_pack(self, ref: ItemRef) -> ItemResult:
        """``/product/sku/remove``; Lazada refuses to take a product's last SKU (``501``), which comes back
        as this pack's failure."""
        try:
            bound = await self._with_sku_id(ref)
            if bound is None:
                return failure(ref.seller_sku, local_error("207", "SKU not found on Lazada", "SellerSku"))
            payload = mapping.sku_remove_payload(bound.item_id, str(bound.sku_id))
            await self._call("POST", "/product/sku/remove", Acknowledged, {"payload": payload})
        except MarketplaceError as exc:
            if exc.retryable or exc.kind is ErrorKind.auth_expired:
                raise
            return failure(ref.seller_sku, exc.info)
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=bound.model_copy(update={"status": "deleted"}))

    async def update_packs(self, item: ItemRef, draft: ProductDraft, refs: list[ItemRef]) -> list[ItemResult]:
        """``/product/update`` of the packs' SKUs (by ``SkuId``, 50 a call): package and, under the sale
        property ``draft.variant_kind``, the option, which renames a pack's option. Lazada takes a call
        whole or not at all, so a refusal fails every pack of that call with Lazada's error."""
        packs = {pack.seller_sku: (pack, option) for pack, option in zip(draft.packs, draft.options, strict=True)}
        results: dict[int, ItemResult] = {}
        ready: list[tuple[int, dict[str, Any]]] = []
        for index, ref in enumerate(refs):
            if not ref.sku_id or ref.seller_sku not in packs:
                results[index] = failure(ref.seller_sku, local_error(
                    "4216", f"{ref.seller_sku} is not a pack of the product with a SkuId", "SkuId"))
                continue
            pack, option = packs[ref.seller_sku]
            ready.append((index, mapping.pack_sku(str(ref.sku_id), pack, draft.variant_kind, option)))
        for chunk in chunked(ready, MAX_SKUS_PER_CALL):
            info = await self._update_pack_skus(item.item_id, [sku for _, sku in chunk])
            for index, _ in chunk:
                ref = refs[index]
                results[index] = failure(ref.seller_sku, info) if info else \
                    ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy())
        return [results[index] for index in range(len(refs))]

    async def _update_pack_skus(self, item_id: str, skus: list[dict[str, Any]]) -> ErrorInfo | None:
        """Why Lazada refused the update, or ``None`` once it is done."""
        try:
            await self._call("POST", "/product/update", Acknowledged,
                             {"payload": mapping.packs_update_payload(item_id, skus)})
        except MarketplaceError as exc:
            if exc.retryable or exc.kind is ErrorKind.auth_expired:
                raise
            return exc.info
        return None

    async def _with_sku_id(self, ref: ItemRef) -> ItemRef | None:
        if ref.sku_id:
            return ref
        return await self.find_by_seller_sku(ref.seller_sku)

    async def update_content(self, ref: ItemRef, draft: ListingDraft) -> ItemResult:
        mapping.listing_category(draft)
        uploaded: dict[str, str] = {}
        try:
            bound = await self._with_sku_id(ref)
            if bound is None:
                return failure(ref.seller_sku, local_error("208", "item not found on Lazada", "SellerSku"))
            images = await self._hosted(draft.images, uploaded)
            payload = mapping.update_payload(bound.item_id, str(bound.sku_id), draft, images)
            await self._call("POST", "/product/update", Acknowledged, {"payload": payload})
        except MarketplaceError as exc:
            if exc.retryable or exc.kind is ErrorKind.auth_expired:
                raise
            return failure(ref.seller_sku, exc.info, uploaded)
        updated = bound.model_copy(update={"name": mapping.listing_name(draft), "status": "live"})
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=updated, photos=uploaded)

    async def retire(self, ref: ItemRef) -> ItemResult:
        """``/product/remove`` of every SKU of the item (read with ``/product/item/get``): Lazada keeps a seller
        SKU to one product, so an item being regrouped must go before its packs can be created again. An item
        already gone counts as done."""
        try:
            product = (await self._call("GET", "/product/item/get", ItemAnswer, {"item_id": ref.item_id})).data
            sku_ids = [str(sku.SkuId) for sku in product.skus]
            if sku_ids:
                await self._call("POST", "/product/remove", Acknowledged,
                                 {"sku_id_list": mapping.remove_keys(ref.item_id, sku_ids)})
        except MarketplaceError as exc:
            if exc.retryable or exc.kind is ErrorKind.auth_expired:
                raise
            if exc.info.code not in envelope.ITEM_GONE_CODES:
                return failure(ref.seller_sku, exc.info)
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={"status": "deleted"}))

    async def update_product(self, ref: ItemRef, draft: ProductDraft) -> ItemResult:
        """``/product/update`` of the product's content (its name without a pack) through the SKU of ``ref``."""
        return await self.update_content(ref, mapping.product_content(draft))

    async def delist(self, ref: ItemRef) -> ItemResult:
        """Take the whole item offline (``/product/deactivate``); already inactive counts as done."""
        request = {"Request": {"Product": {"ItemId": ref.item_id}}}
        try:
            await self._call("POST", "/product/deactivate", Acknowledged, {"apiRequestBody": json.dumps(request)})
        except LazadaError as exc:
            if envelope.ALREADY_INACTIVE_MARK not in exc.info.message:
                if exc.retryable or exc.kind is ErrorKind.auth_expired:
                    raise
                return failure(ref.seller_sku, exc.info)
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={"status": "unlisted"}))

    # --- prices and stock ---------------------------------------------------------------------
    async def update_prices(self, updates: list[PriceUpdate]) -> list[ItemResult]:
        """``/product/price_quantity/update`` with ``Price`` only, keyed by ``SkuId``."""
        return await self._update_skus(
            "/product/price_quantity/update",
            [(update.ref, update.price) for update in updates],
            lambda value: {"Price": str(value)},
            "price",
        )

    async def update_stock(self, updates: list[StockUpdate]) -> list[ItemResult]:
        """Sellable stock (``/product/stock/sellable/update``), overwritten with our available stock.

        Lazada keeps its own unpaid and paid-but-unshipped units in the withhold and occupy buckets;
        our available stock has already taken those orders off, so it is the sellable bucket that we
        set. Pushing it as ``Quantity`` (the total) would count open Lazada orders twice (§4.6, §5.4).
        """
        return await self._update_skus(
            "/product/stock/sellable/update",
            [(update.ref, update.stock) for update in updates],
            lambda value: {"SellableQuantity": str(value)},
            "stock",
        )

    async def _update_skus(
        self, path: str, changes: list[tuple[ItemRef, int]], fields: Callable[[int], dict[str, str]], attribute: str
    ) -> list[ItemResult]:
        missing = [ref.seller_sku for ref, _ in changes if not ref.sku_id]
        found = await self._lookup(missing) if missing else {}
        results: dict[int, ItemResult] = {}
        ready: list[tuple[int, ItemRef, int]] = []
        for index, (ref, value) in enumerate(changes):
            bound = ref if ref.sku_id else found.get(ref.seller_sku)
            if bound is None:
                results[index] = failure(ref.seller_sku, local_error("4216", "SkuId unknown: item not found on Lazada",
                                                                     "SkuId"))
            else:
                ready.append((index, bound, value))
        for chunk in chunked(ready, max(1, min(self.batch_size, MAX_SKUS_PER_CALL))):
            outcomes = await self._send_batch(path, list(chunk), fields, attribute)
            results.update(zip((index for index, _, _ in chunk), outcomes, strict=True))
        return [results[index] for index in range(len(changes))]

    async def _send_batch(
        self, path: str, rows: list[tuple[int, ItemRef, int]], fields: Callable[[int], dict[str, str]],
        attribute: str,
    ) -> list[ItemResult]:
        skus = [
            {"ItemId": ref.item_id, "SkuId": str(ref.sku_id), "SellerSku": ref.seller_sku, **fields(value)}
            for _, ref, value in rows
        ]
        try:
            await self._call("POST", path, Acknowledged, {"payload": mapping.sku_batch_payload(skus)})
        except MarketplaceError as exc:
            if exc.info.code in envelope.BATCH_TOO_LARGE_CODES and len(rows) > 1:
                half = len(rows) // 2
                log.info("lazada: %s refused %d SKUs (%s); splitting", path, len(rows), exc.info.code)
                return [*await self._send_batch(path, rows[:half], fields, attribute),
                        *await self._send_batch(path, rows[half:], fields, attribute)]
            if exc.kind is not ErrorKind.rejected:
                raise
            if isinstance(exc, LazadaError) and exc.info.code in envelope.PARTIAL_FAILURE_CODES and exc.detail:
                return await self._partial_outcome(rows, exc, attribute)
            return [failure(ref.seller_sku, exc.info) for _, ref, _ in rows]
        return [self._applied(ref, value, attribute) for _, ref, value in rows]

    @staticmethod
    def _applied(ref: ItemRef, value: int, attribute: str) -> ItemResult:
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={attribute: value}))

    async def _partial_outcome(
        self, rows: list[tuple[int, ItemRef, int]], exc: LazadaError, attribute: str
    ) -> list[ItemResult]:
        """Per-SKU failures are named in ``detail``; whether the rest of the batch was applied is not
        documented (§4.5, §9), so the rest is read back."""
        named: dict[str, dict[str, Any]] = {}
        for entry in exc.detail:
            for key in ("seller_sku", "SellerSku", "sku_id", "SkuId"):
                if entry.get(key) is not None:
                    named[str(entry[key])] = entry
        now_on_lazada = await self._lookup([ref.seller_sku for _, ref, _ in rows])
        outcomes = []
        for _, ref, value in rows:
            entry = named.get(ref.seller_sku) or named.get(str(ref.sku_id))
            current = now_on_lazada.get(ref.seller_sku)
            if entry is None and current is not None and getattr(current, attribute) == value:
                outcomes.append(self._applied(ref, value, attribute))
                continue
            message = envelope.explained(exc.info.code, str(entry.get("message"))[:2000]) if entry \
                else f"not applied: {exc.info.message}"
            info = exc.info.model_copy(update={"message": message, "field": str((entry or {}).get("field") or
                                                                                   attribute)})
            outcomes.append(failure(ref.seller_sku, info))
        return outcomes

    # --- orders -------------------------------------------------------------------------------
    async def orders_since(self, watermark: datetime) -> list[OrderRecord]:
        """Orders changed at or after ``watermark``: ``/orders/get`` by ``update_after`` (offset at most
        5000, then the watermark moves to the last order seen), then their items in chunks of 50."""
        orders = await self._changed_orders(watermark)
        items = await self._order_items(list(orders))
        return [self._order_record(order, items.get(order_id, [])) for order_id, order in orders.items()]

    async def _changed_orders(self, watermark: datetime) -> dict[str, Order]:
        orders: dict[str, Order] = {}
        since = watermark.astimezone(VIETNAM).replace(microsecond=0)
        offset = 0
        while True:
            answer = await self._call("GET", "/orders/get", OrdersAnswer, {
                "update_after": since.isoformat(), "sort_by": "updated_at", "sort_direction": "ASC",
                "offset": str(offset), "limit": str(self.orders_page_limit),
            })
            page = answer.data.orders
            orders.update({order.order_id: order for order in page})
            if len(page) < self.orders_page_limit:
                return orders
            offset += self.orders_page_limit
            if offset > self.orders_max_offset:
                moved = page[-1].updated_at
                if moved <= since:
                    raise MarketplaceError(local_error("", f"more than {offset} orders changed at {since}",
                                                       "update_after"))
                since, offset = moved, 0

    async def _order_items(self, order_ids: list[str]) -> dict[str, list[OrderItem]]:
        items: dict[str, list[OrderItem]] = {}
        for chunk in chunked(order_ids, ORDER_IDS_PER_CALL):
            answer = await self._call("GET", "/orders/items/get", OrderItemsAnswer,
                                      {"order_ids": json.dumps([int(i) for i in chunk])})
            items.update({entry.order_id: entry.order_items for entry in answer.data})
        return items

    @staticmethod
    def _order_record(order: Order, items: list[OrderItem]) -> OrderRecord:
        """One order item is one unit sold (§5.2): lines count the units of each seller SKU."""
        statuses = [item.status for item in items] or order.statuses
        status = normalised_status(statuses)
        counted = items if status == "cancelled" else [
            item for item in items if item.status.lower() not in CANCELLED_STATUSES
        ]
        units = Counter(item.sku for item in counted)
        price = {item.sku: item.unit_price for item in counted}
        lines = [
            OrderLineRecord(line_ref=f"{order.order_id}-{sku}", seller_sku=sku, quantity=quantity,
                            unit_price=price[sku])
            for sku, quantity in units.items()
        ]
        return OrderRecord(
            order_id=order.order_id, status=status, marketplace_status=",".join(sorted(set(statuses))),
            placed_at=order.created_at, updated_at=order.updated_at,
            total=order.price - order.voucher + order.shipping_fee, lines=lines,
        )
