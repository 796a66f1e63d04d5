"""The one interface every marketplace adapter implements, and the plain values that cross it.

The engine hands an adapter pydantic values built from the catalog and gets pydantic values back.
An adapter knows one marketplace's wire contract and nothing about our database.
"""

from __future__ import annotations

import abc
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from adapters.common.errors import ErrorInfo
from adapters.common.push import PushNotice, PushProtocol
from adapters.common.setup import LeafSetup, LogisticsChannel, SetupCategory
from catalog.pricing import PriceRule
from catalog.settings import settings
from catalog.text import clean


class Capabilities(BaseModel):
    """What one marketplace allows, as the engine needs to know it to plan and batch."""

    model_config = ConfigDict(frozen=True)

    marketplace: str
    price_batch_size: int = Field(gt=0, description="most SKUs in one price-update call")
    batch_one_item: bool = Field(False, description="a price or stock call carries the packs of one item only")
    stock_batch_size: int = Field(gt=0, description="most SKUs in one stock-update call")
    requests_per_second: float = Field(gt=0, description="documented per-shop call rate")
    app_calls_per_day: int | None = Field(
        None, gt=0, description="documented calls a day per partner app, across all its shops (Lazada: 10 M live)")
    content_update_in_place: bool = True
    name_length: tuple[int, int] = (10, 120)
    description_max_length: int = 3000
    max_images: int = 9
    has_api: bool = Field(True, description="False: changes are staged in a workbook a clerk uploads by hand")
    variants: bool = Field(False, description="one item per product, its packs as variants (create_product)")
    max_variants: int = Field(1, gt=0, description="most packs one item may carry")
    product_create_calls: int = Field(
        1, gt=0, description="calls creating one product with its packs makes besides one upload per photo")
    variant_wait_s: float = Field(0.0, ge=0, description="documented wait between creating an item and its variants")
    max_price_ratio: int | None = Field(
        None, description="the dearest variant of one item at most this many times the cheapest (Shopee VN: 5)")
    seller_sku_unique: bool = Field(
        False, description="a seller SKU may be on one item of a shop only: items being regrouped are retired "
                           "before their grouped item is created")
    setup: bool = Field(
        False, description="items need a leaf of the marketplace's category tree with its mandatory attributes, "
                           "read from the marketplace (category_tree, leaf_setup, logistics_channels)")
    photo_required: bool = Field(False, description="an item without a photo is refused")

    def variant_wait(self) -> float:
        """The wait between an item and its variants as this run keeps it: the documented one, unless
        ``SYNDICATOR_VARIANT_WAIT_S`` says otherwise for a marketplace that has one (sandboxes in tests)."""
        configured = settings().variant_wait_s
        return self.variant_wait_s if configured is None or not self.variant_wait_s else configured


class ShopCredentials(BaseModel):
    """Everything needed to call one shop. Secret fields never print."""

    shop_id: str
    app_key: str = Field(description="partner_id on Shopee, app_key on Lazada, api key on the floors")
    app_secret: SecretStr
    access_token: SecretStr | None = None
    refresh_token: SecretStr | None = None
    access_expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class Photo(BaseModel):
    """One photo of a product as the catalogue's store holds it (``catalog/photos.py``): checked, normalised
    and named by its content. ``path`` is the store's file, the only one an adapter reads; ``url`` its public
    address where the service has one (for marketplaces that fetch pictures by URL); ``remote`` this shop's
    id or hosted URL for it once uploaded, so it is never uploaded twice."""

    model_config = ConfigDict(frozen=True)

    digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    path: str
    format: Literal["JPEG", "PNG"]
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    size: int = Field(gt=0, description="bytes")
    url: str | None = None
    remote: str | None = None

    @property
    def filename(self) -> str:
        return f"{self.digest}.{'png' if self.format == 'PNG' else 'jpg'}"


class AttributeValue(BaseModel):
    """One attribute value an item carries, as the mapping resolved it for its leaf."""

    model_config = ConfigDict(frozen=True)

    attribute_id: str
    name: str
    value: str
    value_id: str | None = Field(None, description="the option's id where the attribute is a select")


class ListingCategory(BaseModel):
    """Where on the marketplace's tree an item goes and what it carries there: the leaf, the attribute values,
    the brand and the logistics channels. Resolved by the engine from the mapping and the shop's cached setup
    (``syndicator/mapping.py``); None on marketplaces without a tree (the floors take the catalogue's own
    category)."""

    model_config = ConfigDict(frozen=True)

    category_id: str
    attributes: list[AttributeValue] = Field(default_factory=list)
    brand_id: str | None = Field(None, description="None: No Brand")
    brand_name: str = "No Brand"
    logistics: list[str] = Field(default_factory=list, description="enabled logistics channel ids of the shop")


class ListingDraft(BaseModel):
    """One SKU as the catalog wants it on a marketplace, before the marketplace's own mapping."""

    seller_sku: str
    product_code: str
    name: str
    description: str = ""
    category_code: str | None = None
    category_name: str | None = None
    variant: str = ""
    price: int = Field(gt=0, description="whole đồng, after the channel's price rule")
    stock: int = Field(ge=0)
    weight_g: int = Field(gt=0)
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    gtin: str | None = None
    images: list[Photo] = Field(default_factory=list)
    ocop_stars: int | None = None
    ocop_valid_to: date | None = None
    certifications: list[str] = Field(default_factory=list)
    origin_commune: str | None = None
    origin_province: str = "Thái Nguyên"
    shelf_life_days: int | None = None
    trace_url: str | None = None
    coop_name: str = ""
    listing_category: ListingCategory | None = None

    def name_with_variant(self, limit: int) -> str:
        """Name and pack (``Chè búp Tân Cương đặc biệt - Gói 200g``) unless the name already says the pack,
        cut at a word to at most ``limit`` characters."""
        name, variant = clean(self.name), clean(self.variant)
        if variant and variant.lower() not in name.lower():
            name = f"{name} - {variant}"
        if len(name) <= limit:
            return name
        return name[:limit].rsplit(" ", 1)[0].rstrip(" -,")

    def photo_urls(self) -> list[str]:
        """The photos' public addresses, for a marketplace that fetches pictures by URL (the floors): those
        the service can show (``SYNDICATOR_PUBLIC_URL`` set), else none."""
        return [photo.url for photo in self.images if photo.url]

    @property
    def origin(self) -> str:
        """Where it was grown or made, as a shopper reads it: ``Tân Cương, Thái Nguyên``."""
        return ", ".join(part for part in (self.origin_commune, self.origin_province) if part)


class ProductDraft(BaseModel):
    """One product listed as one item with its packs as variants (Shopee models under one tier, Lazada SKUs
    each with a ``saleProp``). The item's content (name, description, category, photos) is the product's,
    read from its first pack; each pack brings its own seller SKU, option name, price, stock, weight, size
    and barcode."""

    packs: list[ListingDraft] = Field(min_length=1)
    variant_kind: str = Field("Quy cách", description="the tier or sale-prop name the packs are options of")

    @property
    def product(self) -> ListingDraft:
        return self.packs[0]

    @property
    def options(self) -> list[str]:
        """Each pack's option name (``Gói 200g``), its seller SKU where it has none."""
        return [clean(pack.variant) or pack.seller_sku for pack in self.packs]


class ItemRef(BaseModel):
    """Where one of our SKUs lives on a marketplace."""

    seller_sku: str
    item_id: str
    sku_id: str | None = None
    name: str | None = None
    price: int | None = None
    stock: int | None = None
    status: str | None = None
    gtin: str | None = Field(None, description="the barcode the marketplace holds, where it reads it back")
    reserved_stock: int | None = Field(
        None, ge=0, description="units a promotion or campaign holds (Shopee's reserved promotion stock, Lazada's "
                                "campaign-locked stock): a stock push below it is refused; None where not read back")


class PriceUpdate(BaseModel):
    ref: ItemRef
    price: int = Field(gt=0)


class StockUpdate(BaseModel):
    ref: ItemRef
    stock: int = Field(ge=0)


class ItemResult(BaseModel):
    """What happened to one SKU in a call."""

    seller_sku: str
    ok: bool
    ref: ItemRef | None = None
    error: ErrorInfo | None = None
    photos: dict[str, str] = Field(
        default_factory=dict, description="photos uploaded by this call: digest → the shop's id or URL for it")


class ItemsPage(BaseModel):
    items: list[ItemRef]
    next_cursor: str | None = None


OrderStatus = Literal["open", "completed", "cancelled", "returned"]


LINE_REF_LENGTH = 90  # with the shop id, an 80-character order id and the event it names a stock movement (≤ 200)
SELLER_SKU_LENGTH = 200  # Lazada's limit; ours are 40, so a longer one is unknown here anyway


def _short_ref(ref: str) -> str:
    """An order line's ref made from the marketplace's ids and the seller's SKU can run long: past the
    limit it becomes a digest, as stable and as unique."""
    if len(ref) <= LINE_REF_LENGTH:
        return ref
    return "sha256:" + hashlib.sha256(ref.encode()).hexdigest()


class OrderLineRecord(BaseModel):
    line_ref: Annotated[str, AfterValidator(_short_ref)]
    seller_sku: Annotated[str, AfterValidator(lambda sku: sku[:SELLER_SKU_LENGTH])]
    quantity: int = Field(gt=0)
    unit_price: int = 0


class OrderRecord(BaseModel):
    order_id: str = Field(max_length=80)
    status: OrderStatus
    marketplace_status: Annotated[str, AfterValidator(lambda status: status[:60])]
    placed_at: datetime
    updated_at: datetime
    total: int = 0
    lines: list[OrderLineRecord]


class Upload(BaseModel):
    """The workbooks a shop without API access wrote for a clerk to upload in the floor's seller centre."""

    full_path: str
    changes_path: str
    rows: int = Field(ge=0, description="every listed SKU, in the full workbook")
    changed: int = Field(ge=0, description="SKUs created or changed, in the changes-only workbook")


CredentialsListener = Callable[[ShopCredentials], Awaitable[None] | None]


class Adapter(abc.ABC):
    """One marketplace's wire protocol for one shop."""

    capabilities: Capabilities

    @abc.abstractmethod
    async def authorize(self, code: str) -> ShopCredentials:
        """Exchange a one-time authorisation code for tokens."""

    @abc.abstractmethod
    async def refresh_credentials(self) -> ShopCredentials:
        """Refresh the access token; the listener is told of the new credentials."""

    @abc.abstractmethod
    async def create_listing(self, draft: ListingDraft) -> ItemResult: ...

    @abc.abstractmethod
    async def update_content(self, ref: ItemRef, draft: ListingDraft) -> ItemResult: ...

    @abc.abstractmethod
    async def update_prices(self, updates: list[PriceUpdate]) -> list[ItemResult]:
        """At most ``capabilities.price_batch_size`` updates; one result per update, in order."""

    @abc.abstractmethod
    async def update_stock(self, updates: list[StockUpdate]) -> list[ItemResult]:
        """At most ``capabilities.stock_batch_size`` updates; one result per update, in order."""

    @abc.abstractmethod
    async def find_by_seller_sku(self, seller_sku: str) -> ItemRef | None:
        """The item, or on a marketplace with variants the variant, that carries ``seller_sku``."""

    @abc.abstractmethod
    async def list_items(self, cursor: str | None = None) -> ItemsPage: ...

    @abc.abstractmethod
    async def orders_since(self, watermark: datetime) -> list[OrderRecord]:
        """Every order created or changed at or after ``watermark`` (the engine adds the overlap)."""

    @abc.abstractmethod
    async def delist(self, ref: ItemRef) -> ItemResult: ...

    # --- products with variants (``capabilities.variants``) ---------------------------------------
    async def create_product(self, draft: ProductDraft) -> list[ItemResult]:
        """One item carrying every pack as a variant; one result per pack, in order, each ref with the item
        id and the pack's variant id (``sku_id``: Shopee ``model_id``, Lazada ``SkuId``)."""
        raise NotImplementedError(f"{self.capabilities.marketplace} lists one item per SKU")

    async def add_packs(self, item: ItemRef, draft: ProductDraft, seller_skus: list[str]) -> list[ItemResult]:
        """The packs of ``draft`` named by ``seller_skus`` joined to the existing ``item``; one result each."""
        raise NotImplementedError(f"{self.capabilities.marketplace} lists one item per SKU")

    async def remove_pack(self, ref: ItemRef) -> ItemResult:
        """One variant taken off its item; the item keeps its other variants."""
        raise NotImplementedError(f"{self.capabilities.marketplace} lists one item per SKU")

    async def update_packs(self, item: ItemRef, draft: ProductDraft, refs: list[ItemRef]) -> list[ItemResult]:
        """The packs named by ``refs`` (each with its variant id as ``sku_id``) take their content from the pack
        of ``draft`` with the same seller SKU: option name (a renamed pack), weight, size and barcode; one
        result per ref, in order. Prices and stock have their own calls."""
        raise NotImplementedError(f"{self.capabilities.marketplace} lists one item per SKU")

    async def retire(self, ref: ItemRef) -> ItemResult:
        """Take for good an item whose packs moved to a grouped item off sale (``ref.item_id``); by default
        it is delisted, as a marketplace without unique seller SKUs lets the old item stay unlisted."""
        return await self.delist(ref)

    async def update_product(self, ref: ItemRef, draft: ProductDraft) -> ItemResult:
        """The item's own content (name without a pack, description, category, photos) from ``draft``; ``ref``
        is one of its variants."""
        raise NotImplementedError(f"{self.capabilities.marketplace} lists one item per SKU")

    # --- setup read from the marketplace (``capabilities.setup``) ------------------------------------
    async def category_tree(self) -> list[SetupCategory]:
        """Every node of the marketplace's category tree, in Vietnamese (Shopee ``product/get_category``,
        Lazada ``/category/tree/get``)."""
        raise NotImplementedError(f"{self.capabilities.marketplace} has no category tree")

    async def leaf_setup(self, category_id: str) -> LeafSetup:
        """One leaf's attributes, brands and item limits."""
        raise NotImplementedError(f"{self.capabilities.marketplace} has no category tree")

    async def logistics_channels(self) -> list[LogisticsChannel]:
        """The shop's logistics channels, enabled or not (Shopee ``logistics/get_channel_list``); empty where
        the marketplace chooses the carrier at packing (Lazada)."""
        return []

    async def suggest_categories(self, name: str) -> list[str]:
        """Leaf ids the marketplace proposes for an item named ``name``, best first (Shopee
        ``product/category_recommend``, Lazada ``/product/category/suggestion/get``)."""
        return []

    async def register_push(self, url: str) -> bool:
        """Ask the marketplace to push this shop's order and stock events to ``url`` (Shopee
        ``push/set_app_push_config``). False where the marketplace has no API for it (an operator sets the
        address in its console, or it does not push)."""
        return False

    async def lost_pushes(self) -> list[PushNotice]:
        """The pushes the marketplace could not deliver and kept (Shopee ``push/get_lost_push_message``); empty
        where it keeps none. They stay kept until :meth:`confirm_lost_pushes`."""
        return []

    async def confirm_lost_pushes(self, notices: list[PushNotice]) -> None:
        """Tell the marketplace the lost pushes read are consumed (Shopee
        ``push/confirm_consumed_lost_push_message``)."""

    async def deliver(self) -> Upload | None:
        """Hand over what the calls so far staged. A marketplace with an API acts on each call at once and
        stages nothing; a shop fed by spreadsheet writes its workbooks here."""
        return None

    async def aclose(self) -> None:
        """Release connections."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AdapterFactory(abc.ABC):
    """How the engine builds an adapter; every marketplace's adapter class satisfies this signature."""

    @abc.abstractmethod
    def __call__(
        self,
        base_url: str,
        credentials: ShopCredentials,
        *,
        on_credentials: CredentialsListener | None = None,
        http: Any = None,
        transport: Any = None,
    ) -> Adapter: ...


class SandboxShopGrant(BaseModel):
    """What opening a shop on a sandbox hands the seller: app credentials and, where the marketplace
    authorises by code, a one-time code for ``Adapter.authorize``."""

    credentials: ShopCredentials
    code: str | None = None


class ShopAuthorisation(BaseModel):
    """How a marketplace that authorises shops by redirect does it. ``url(base_url, app, redirect, state)``
    is its authorisation page for the app (``app``: ``ShopCredentials`` with the app's key and secret),
    which sends the owner back to ``redirect`` with ``state``; ``returned(app, query)`` reads that redirect:
    the shop's credentials and the one-time code for ``Adapter.authorize`` (``ValueError`` if absent)."""

    model_config = ConfigDict(frozen=True)

    url: Callable[[str, ShopCredentials, str, str], str]
    returned: Callable[[ShopCredentials, Mapping[str, str]], tuple[ShopCredentials, str]]


class MarketplaceSpec(BaseModel):
    """Everything the engine and the CLI need to know about one marketplace, by name.

    ``adapter`` and ``sandbox`` are import paths (``module:attribute``) so nothing heavy loads early.
    ``open_sandbox_shop`` calls the sandbox's ``POST /_sandbox/shops`` and reads its answer;
    ``sandbox_code`` asks the sandbox for a new authorisation code for an existing shop.
    ``price_rule`` is the fee rule a new shop starts with; ``token_refresh_ahead`` how long before an
    access token expires the schedule renews it (zero where credentials never expire). A marketplace
    switched off with ``enabled=False`` stays registered but is left out of every name in use.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    display_name: str
    adapter: str
    sandbox: str
    default_port: int
    capabilities: Capabilities
    open_sandbox_shop: Callable[..., Awaitable[SandboxShopGrant]]  # (base_url, name, *, transport=None)
    sandbox_code: Callable[..., Awaitable[str | None]]  # (base_url, shop_id, *, transport=None)
    price_rule: PriceRule = PriceRule()
    token_refresh_ahead: timedelta = timedelta(0)
    enabled: bool = True
    authorisation: ShopAuthorisation | None = None  # None: shops are connected with their key, not by redirect
    push: PushProtocol | None = None  # None: the marketplace does not push (its shops are polled)
