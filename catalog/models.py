"""The catalog's tables: the one source of truth every marketplace listing is derived from.

Money is an ``int`` number of đồng, text is NFC, times are timezone-aware (stored as UTC).
SQLModel rows stay inside ``catalog/`` and the engine; adapters see plain pydantic values.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always hands back aware ones (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _when(nullable: bool = True, **kw: Any) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable), **kw)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=sa.Column(sa.JSON(), nullable=False))


def new_trace_code() -> str:
    """Eight URL-safe characters (48 random bits): short enough for a QR code, too many to guess."""
    return secrets.token_urlsafe(6)


class ListingState(StrEnum):
    draft = "draft"
    creating = "creating"  # a create was sent (or is about to be); resolve by seller-SKU look-up
    awaiting_upload = "awaiting_upload"  # "chờ đăng tải": in a spreadsheet feed, not yet confirmed live
    live = "live"
    error = "error"
    delisted = "delisted"
    # a pack listed as its own item before its product's packs were grouped: its packs moved to the product's
    # grouped listing, its own item is still to be taken off sale (``retired`` once it is)
    retiring = "retiring"
    retired = "retired"


class VariantState(StrEnum):
    pending = "pending"  # wanted on its listing's item, not (yet) there: the item's create or an added pack carries it
    live = "live"  # on the item
    removed = "removed"  # taken off the item (the pack is no longer sold there); the item lives on


class ChannelState(StrEnum):
    connected = "connected"  # the shop's tokens work (or its key, on a floor)
    feed = "feed"  # no API: listings go out as spreadsheet feeds
    # the marketplace refused the shop's tokens even after a refresh (a single-use refresh token spent by a
    # killed sync or a lost answer, or the seller revoked us): only authorising the shop again brings it back
    needs_reauthorisation = "needs_reauthorisation"


class MovementKind(StrEnum):
    receipt = "receipt"
    adjustment = "adjustment"
    sale = "sale"
    cancellation = "cancellation"
    return_ = "return"


class Role(StrEnum):
    coop = "coop"
    officer = "officer"
    admin = "admin"


class Coop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    commune_code: str | None = Field(default=None, max_length=20)
    commune_name: str | None = Field(default=None, max_length=120)
    province: str = Field(default="Thái Nguyên", max_length=80)
    phone: str | None = Field(default=None, max_length=20)  # shown on trace pages and labels
    address: str | None = Field(default=None, max_length=300)
    bank_bin: str | None = Field(default=None, max_length=6)  # NAPAS bank identification number, for VietQR
    bank_account: str | None = Field(default=None, max_length=19)
    bank_account_name: str | None = Field(default=None, max_length=70)
    created_at: datetime = _created()


class Category(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name_vi: str = Field(max_length=120)
    name_en: str = Field(max_length=120)


class Product(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("coop_id", "code", name="uq_product_coop_code"),)

    id: int | None = Field(default=None, primary_key=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    code: str = Field(max_length=60)
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, default=""))
    category_id: int | None = Field(default=None, foreign_key="category.id", index=True)
    origin_commune_code: str | None = Field(default=None, max_length=20)
    origin_commune_name: str | None = Field(default=None, max_length=120)
    origin_province: str = Field(default="Thái Nguyên", max_length=80)
    ocop_stars: int | None = None
    ocop_valid_to: date | None = None
    certifications: list[str] = _json(list)
    shelf_life_days: int | None = None
    trace_url: str | None = Field(default=None, max_length=500)
    # its photos, first the main one: digests of the catalogue's store (catalog/photos.py); an entry that is
    # not one (a path or URL kept from before the store) is never read, and blocks the listing until replaced
    images: list[str] = _json(list)
    # the short, unguessable, stable code of its public trace page (/t/{code})
    trace_code: str = Field(default_factory=new_trace_code, max_length=16, unique=True, index=True)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Lot(SQLModel, table=True):
    """One lot (lô) of a product: what was made or harvested together, with its dates, for the trace page and
    the label."""

    __table_args__ = (sa.UniqueConstraint("product_id", "code", name="uq_lot_product_code"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    code: str = Field(max_length=40)
    produced_on: date
    expires_on: date | None = None  # from the product's shelf life when not given
    quantity: int | None = None
    notes: str = Field(default="", max_length=500)  # e.g. the member farm
    trace_code: str = Field(default_factory=new_trace_code, max_length=16, unique=True, index=True)
    created_at: datetime = _created()


class TraceView(SQLModel, table=True):
    """How many times a product's (or one of its lots') trace page was opened on a day: counts only, nothing
    about who opened it."""

    __table_args__ = (sa.UniqueConstraint("day", "product_id", "lot_id", name="uq_trace_view_day"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date
    product_id: int = Field(foreign_key="product.id", index=True)
    lot_id: int | None = Field(default=None, foreign_key="lot.id", index=True)
    views: int = 0


class Sku(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    sku: str = Field(max_length=40, unique=True, index=True)
    variant: str = Field(default="", max_length=120)
    price: int  # whole đồng
    weight_g: int
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    gtin: str | None = Field(default=None, max_length=14)
    enabled: bool = True
    updated_at: datetime = _created()


class StockMovement(SQLModel, table=True):
    """One append-only line of the stock ledger. ``source`` makes replays harmless."""

    __table_args__ = (sa.UniqueConstraint("source", name="uq_stock_movement_source"),)

    id: int | None = Field(default=None, primary_key=True)
    sku_id: int = Field(foreign_key="sku.id", index=True)
    kind: MovementKind = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    quantity: int  # signed: + into stock, - out of stock
    source: str = Field(max_length=200)
    note: str = Field(default="", max_length=500)
    lot_id: int | None = Field(default=None, foreign_key="lot.id", index=True)  # a receipt may name its lot
    actor: str | None = Field(default=None, max_length=80)  # who recorded it: a login, or None for the engine
    created_at: datetime = _created()


class ChannelAccount(SQLModel, table=True):
    """One co-op's shop on one marketplace."""

    __table_args__ = (
        sa.UniqueConstraint("marketplace", "base_url", "shop_id", name="uq_channel_account_shop"),
    )

    id: int | None = Field(default=None, primary_key=True)
    coop_id: int = Field(foreign_key="coop.id", index=True)
    marketplace: str = Field(sa_column=sa.Column(sa.String(30), nullable=False, index=True))  # adapters.registry
    shop_id: str = Field(max_length=80)
    name: str = Field(default="", max_length=200)
    base_url: str = Field(default="", max_length=300)
    credentials_encrypted: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    access_expires_at: datetime | None = _when()
    refresh_expires_at: datetime | None = _when()
    state: str = Field(default=ChannelState.connected.value, max_length=30)
    enabled: bool = True
    price_rule: dict[str, Any] = _json(dict)
    stock_policy: dict[str, Any] = _json(dict)
    # "đăng tự động sản phẩm mới": a sync publishes here every product of the co-op never published or
    # unpublished here; off, only what a clerk publishes is listed
    auto_publish: bool = Field(default=False, sa_column=sa.Column(sa.Boolean(), nullable=False,
                                                                  server_default=sa.false()))
    orders_watermark: datetime | None = _when()
    created_at: datetime = _created()


class Photo(SQLModel, table=True):
    """One photo in the catalogue's store, named by the SHA-256 of its stored bytes (catalog/photos.py)."""

    digest: str = Field(primary_key=True, max_length=64)
    format: str = Field(max_length=4)  # JPEG or PNG
    width: int
    height: int
    size_bytes: int
    created_at: datetime = _created()


class PhotoUpload(SQLModel, table=True):
    """A photo as one shop holds it: Shopee's image id, Lazada's hosted URL. Uploaded once per shop."""

    __tablename__ = "photo_upload"

    channel_account_id: int = Field(foreign_key="channelaccount.id", primary_key=True)
    digest: str = Field(foreign_key="photo.digest", primary_key=True, max_length=64)
    remote: str = Field(max_length=500)
    uploaded_at: datetime = _created()


class CategoryMapping(SQLModel, table=True):
    """Where a catalogue category's products go on one marketplace's tree, and how each attribute of that leaf
    is filled (``catalog/attribute_rules.py``). ``coop_id`` None: the default an admin sets for every co-op;
    a co-op's own row overrides it for its products."""

    __tablename__ = "category_mapping"
    __table_args__ = (
        sa.UniqueConstraint("marketplace", "category_id", "coop_id", name="uq_category_mapping_scope"),
    )

    id: int | None = Field(default=None, primary_key=True)
    marketplace: str = Field(sa_column=sa.Column(sa.String(30), nullable=False, index=True))
    category_id: int = Field(foreign_key="category.id", index=True)
    coop_id: int | None = Field(default=None, foreign_key="coop.id", index=True)
    leaf_id: str = Field(max_length=40)
    leaf_name: str = Field(default="", max_length=300)  # the leaf's path when chosen, for reading without a shop
    brand_id: str | None = Field(default=None, max_length=40)
    brand_name: str = Field(default="", max_length=120)
    attributes: dict[str, Any] = _json(dict)  # attribute id → AttributeRule as JSON
    updated_by: str | None = Field(default=None, max_length=80)
    updated_at: datetime = _created()


class SetupRecord(SQLModel, table=True):
    """One piece of a shop's setup as last read from its marketplace (adapters/common/setup.py): ``tree``,
    ``logistics``, or ``leaf:<id>`` (attributes, brands, limits), with when it was read."""

    __tablename__ = "marketplace_setup"

    channel_account_id: int = Field(foreign_key="channelaccount.id", primary_key=True)
    kind: str = Field(primary_key=True, max_length=60)
    data: Any = Field(sa_column=sa.Column(sa.JSON(), nullable=False))
    read_at: datetime = _created()


class Listing(SQLModel, table=True):
    """One product on one shop: the binding of our product to the marketplace's item (our id ↔ their item id),
    the item's state and the content last pushed there. Its packs are its ``ListingVariant`` rows: all of
    them on a marketplace with variants, exactly one on a floor that lists one item per SKU."""

    __table_args__ = (
        sa.UniqueConstraint("channel_account_id", "external_item_id", name="uq_listing_external_item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    channel_account_id: int = Field(foreign_key="channelaccount.id", index=True)
    state: ListingState = Field(
        default=ListingState.draft, sa_column=sa.Column(sa.String(20), nullable=False, index=True)
    )
    external_item_id: str | None = Field(default=None, max_length=80)
    # its item carries its packs as variants (Shopee models, Lazada SKUs of one variation); an item bound before
    # products were grouped is one pack's own item, until regrouped
    has_variants: bool = Field(default=False, sa_column=sa.Column(sa.Boolean(), nullable=False,
                                                                  server_default=sa.false()))
    pushed_content_hash: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    last_synced_at: datetime | None = _when()
    created_at: datetime = _created()


class ListingVariant(SQLModel, table=True):
    """One SKU (pack) on its product's listing: the marketplace's id for it (Shopee ``model_id``, Lazada
    ``SkuId``, a floor's SKU id), whether it is on the item yet, the clerk's wishes for it on this shop and
    the price and stock last pushed. A SKU is on a shop at most once."""

    __table_args__ = (
        sa.UniqueConstraint("sku_id", "channel_account_id", name="uq_listing_variant_sku_account"),
    )

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    sku_id: int = Field(foreign_key="sku.id", index=True)
    channel_account_id: int = Field(foreign_key="channelaccount.id", index=True)
    state: VariantState = Field(
        default=VariantState.pending, sa_column=sa.Column(sa.String(20), nullable=False)
    )
    enabled: bool = True  # the clerk's wish: this SKU sold on this shop
    price_override: int | None = None
    external_variant_id: str | None = Field(default=None, max_length=80)
    pushed_content_hash: str | None = Field(default=None, max_length=64)  # the pack's own: option, weight, GTIN
    pushed_price: int | None = None
    pushed_stock: int | None = None
    stock_pushed_at: datetime | None = _when()  # when its stock was last sent: the heartbeat re-sends it when old
    # what the marketplace holds back from us (Shopee's stock reserved for a promotion, Lazada's campaign-locked
    # stock): a push below it is refused, so the plan never sends less
    reserved_stock: int | None = None
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    created_at: datetime = _created()


class Order(SQLModel, table=True):
    __tablename__ = "marketplace_order"
    __table_args__ = (
        sa.UniqueConstraint("channel_account_id", "marketplace_order_id", name="uq_order_account_external"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_account_id: int = Field(foreign_key="channelaccount.id", index=True)
    marketplace_order_id: str = Field(max_length=80)
    status: str = Field(max_length=30)  # normalised: open, cancelled, returned, completed
    marketplace_status: str = Field(default="", max_length=60)
    total: int = 0
    placed_at: datetime | None = _when()
    updated_at: datetime | None = _when()
    pulled_at: datetime = _created()


class OrderLine(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("order_id", "line_ref", name="uq_order_line_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="marketplace_order.id", index=True)
    line_ref: str = Field(max_length=100)
    seller_sku: str = Field(max_length=200)
    sku_id: int | None = Field(default=None, foreign_key="sku.id", index=True)
    quantity: int
    unit_price: int = 0


class SyncRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    trigger: str = Field(default="cli", max_length=30)
    scope: dict[str, Any] = _json(dict)
    status: str = Field(default="running", max_length=20)  # running, ok, failed, partial, busy, interrupted
    # who runs it: a ``running`` row whose process is gone on this host was killed (marked ``interrupted``)
    host: str | None = Field(default=None, max_length=255)
    pid: int | None = None
    started_at: datetime = _created()
    finished_at: datetime | None = _when()
    summary: dict[str, Any] = _json(dict)


class SyncEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="syncrun.id", index=True)
    channel_account_id: int | None = Field(default=None, foreign_key="channelaccount.id", index=True)
    listing_id: int | None = Field(default=None, foreign_key="listing.id", index=True)
    action: str = Field(max_length=30)
    outcome: str = Field(max_length=20)  # ok, error, skipped
    error_kind: str | None = Field(default=None, max_length=30)
    message: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, default=""))
    created_at: datetime = _created()


class ListingObservation(SQLModel, table=True):
    """What a shopper saw on a listing's public page, recorded by the monitor."""

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    variant_id: int | None = Field(default=None, foreign_key="listingvariant.id", index=True)  # the pack seen
    url: str = Field(max_length=500)
    visible: bool
    price: int | None = None
    stock: int | None = None
    sold_count: int | None = None
    title: str | None = Field(default=None, max_length=300)
    seller_sku: str | None = Field(default=None, max_length=40)
    drift: list[str] = _json(list)
    observed_at: datetime = _created()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    password_hash: str = Field(max_length=200)
    role: Role = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    coop_id: int | None = Field(default=None, foreign_key="coop.id")
    disabled: bool = Field(default=False, sa_column=sa.Column(sa.Boolean(), nullable=False,
                                                              server_default=sa.false()))
    created_at: datetime = _created()


class LoginAttempt(SQLModel, table=True):
    """One try at logging in: the throttle counts recent failures per user name and per client address."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, index=True)
    client: str = Field(default="", max_length=64, index=True)
    succeeded: bool
    created_at: datetime = _created()


class LoginSession(SQLModel, table=True):
    """A logged-in browser: the app's cookie holds a signed random token whose SHA-256 is ``token_hash``. It
    ends at logout (``ended_at``), when idle past ``SYNDICATOR_SESSION_IDLE_MINUTES`` since ``last_seen_at``,
    or at ``expires_at``; a refresh or a deep link with a live one opens the app as that user."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    expires_at: datetime = _when(nullable=False)
    ended_at: datetime | None = _when()


class PushMessage(SQLModel, table=True):
    """The durable inbox of marketplace push notifications: written (once per marketplace message identity)
    before the marketplace is answered 2xx, then worked by the fan-out (``processed_at``)."""

    __tablename__ = "push_message"
    __table_args__ = (sa.UniqueConstraint("marketplace", "message_key", name="uq_push_message_key"),)

    id: int | None = Field(default=None, primary_key=True)
    marketplace: str = Field(max_length=30, index=True)
    message_key: str = Field(max_length=200)  # the marketplace's identity of the message, to count it once
    shop_ref: str = Field(max_length=80)  # the marketplace's shop (Shopee shop_id, Lazada seller_id)
    channel_account_id: int | None = Field(default=None, foreign_key="channelaccount.id", index=True)
    kind: str = Field(max_length=30)  # order, reserved_stock, promotion, other
    code: str = Field(default="", max_length=30)  # the marketplace's own code or message_type
    order_ref: str | None = Field(default=None, max_length=80)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))  # the raw body, as received
    received_at: datetime = _created()
    processed_at: datetime | None = _when()
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))


class ApiBudget(SQLModel, table=True):
    """A marketplace call budget shared by every worker: the calls taken under ``key`` (an app's day, an app's
    second, a shop's second) in the window that started at ``window_start`` (POSIX seconds). A grant is one
    atomic ``INSERT … ON CONFLICT DO UPDATE … WHERE used < limit RETURNING`` (``syndicator/budgets.py``)."""

    __tablename__ = "api_budget"

    key: str = Field(primary_key=True, max_length=200)
    window_start: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    used: int = 0


class JobError(SQLModel, table=True):
    """The last error of a queued job (``syndicator/tasks.py``; procrastinate keeps a job's status, not why it
    failed): what ``syndicator jobs --failed`` shows an operator. Deleted with its job's retry."""

    __tablename__ = "job_error"

    job_id: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    task_name: str = Field(max_length=128)
    error: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    failed_at: datetime = _created()


class ScheduledJob(SQLModel, table=True):
    """A scheduler job as plain data (a function's dotted name, JSON arguments and trigger), never a pickle."""

    __tablename__ = "scheduled_job"

    id: str = Field(primary_key=True, max_length=191)
    next_run_time: float | None = Field(default=None, index=True)  # POSIX seconds; None = paused
    job_state: dict[str, Any] = _json(dict)
