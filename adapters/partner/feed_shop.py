"""A shop on a floor without API access, behind the same ``Adapter`` interface as a shop with one.

Its "marketplace" is the list of rows the clerk last received, kept as JSON beside its workbooks
(``<floor>-gian-hang-<id>-rows.json``). Every call changes those rows in memory; ``deliver`` writes the
full and the changes-only workbook (``adapters.partner.feed``) for the clerk to upload in the floor's
seller centre, then the rows. Nothing is sent over a network, no orders come back, and no call can be
throttled, so the engine treats such a shop exactly as any other and learns from
``capabilities.has_api`` only that its changes wait for an upload.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from adapters.common.contract import (
    Adapter,
    ItemRef,
    ItemResult,
    ItemsPage,
    ListingDraft,
    OrderRecord,
    PriceUpdate,
    ShopCredentials,
    StockUpdate,
    Upload,
)
from adapters.common.errors import ErrorInfo, MarketplaceError, local_error
from adapters.partner.feed import FeedError, FeedFiles, FeedRow, latest_feed, read_feed, write_feed
from adapters.partner.profile import FloorProfile
from catalog.db import private_folder
from catalog.i18n import t


def feed_row(draft: ListingDraft) -> FeedRow:
    """Our listing as one row of the floor's upload sheet."""
    return FeedRow(
        sku=draft.seller_sku, name_vi=draft.name, category=draft.category_name or draft.category_code,
        unit=draft.variant or None, price_vnd=draft.price, stock=draft.stock, weight_g=draft.weight_g,
        length_cm=draft.length_cm, width_cm=draft.width_cm, height_cm=draft.height_cm,
        shelf_life_days=draft.shelf_life_days, ocop_stars=draft.ocop_stars, ocop_valid_to=draft.ocop_valid_to,
        gtin=draft.gtin, trace_url=draft.trace_url, origin_address=draft.origin or None,
        cooperative_name=draft.coop_name or None, image_urls=draft.photo_urls(), description_html=draft.description,
    )


def _ref(row: FeedRow) -> ItemRef:
    """A row is found by its seller SKU: on a floor fed by spreadsheet the SKU is the listing's id."""
    return ItemRef(seller_sku=row.sku, item_id=row.sku, name=row.name_vi, price=row.price_vnd, stock=row.stock)


class FeedShop(Adapter):
    """One feed-only shop: its rows, what changed since it last delivered, and where its workbooks go."""

    def __init__(self, profile: FloorProfile, account_id: int, folder: Path):
        self.capabilities = profile.capabilities().model_copy(update={"has_api": False})
        self.profile = profile
        self.account_id = account_id
        self.folder = folder
        self.rows_path = folder / f"{profile.name}-gian-hang-{account_id}-rows.json"
        self._rows: dict[str, FeedRow] | None = None
        self.changed: set[str] = set()
        self.removed: set[str] = set()

    @property
    def rows(self) -> dict[str, FeedRow]:
        """Seller SKU → row, as the clerk last received them (read once)."""
        if self._rows is None:
            saved = self._saved_rows() if self.rows_path.exists() else self._rows_of_latest_workbook()
            self._rows = {row.sku: row for row in saved}
        return self._rows

    def _saved_rows(self) -> list[FeedRow]:
        return [FeedRow.model_validate(row) for row in json.loads(self.rows_path.read_text(encoding="utf-8"))]

    def _rows_of_latest_workbook(self) -> list[FeedRow]:
        """Before the rows were kept beside the workbooks (an older version wrote only the workbooks), the
        latest full workbook is what the clerk received; none, or one that cannot be read, is nothing."""
        files = self.latest_workbooks()
        if files is None:
            return []
        try:
            return read_feed(files.full_path.read_bytes())
        except (FeedError, OSError):
            return []

    def _put(self, draft: ListingDraft) -> ItemResult:
        row = feed_row(draft)  # a valid draft is a valid row: the two share their constraints
        self.rows[row.sku] = row
        self.changed.add(row.sku)
        self.removed.discard(row.sku)
        return ItemResult(seller_sku=row.sku, ok=True, ref=_ref(row))

    def _change(self, ref: ItemRef, **values: int) -> ItemResult:
        row = self.rows.get(ref.seller_sku)
        if row is None:
            error = local_error(self.profile.name, "not_in_feed", t("feed_sku_missing", sku=ref.seller_sku))
            return ItemResult(seller_sku=ref.seller_sku, ok=False, error=error)
        self.rows[row.sku] = row.model_copy(update=values)
        self.changed.add(row.sku)
        return ItemResult(seller_sku=row.sku, ok=True, ref=_ref(self.rows[row.sku]))

    def latest_workbooks(self) -> FeedFiles | None:
        """The pair of workbooks the clerk was last handed, None before the first."""
        return latest_feed(self.profile, self.account_id, self.folder)

    # --- the Adapter interface -------------------------------------------------------------------
    async def authorize(self, code: str) -> ShopCredentials:
        raise MarketplaceError(self._no_api())

    async def refresh_credentials(self) -> ShopCredentials:
        raise MarketplaceError(self._no_api())

    def _no_api(self) -> ErrorInfo:
        return local_error(self.profile.name, "feed_only", t("feed_only"))

    async def create_listing(self, draft: ListingDraft) -> ItemResult:
        return self._put(draft)

    async def update_content(self, ref: ItemRef, draft: ListingDraft) -> ItemResult:
        return self._put(draft)

    async def update_prices(self, updates: list[PriceUpdate]) -> list[ItemResult]:
        return [self._change(update.ref, price_vnd=update.price) for update in updates]

    async def update_stock(self, updates: list[StockUpdate]) -> list[ItemResult]:
        return [self._change(update.ref, stock=update.stock) for update in updates]

    async def find_by_seller_sku(self, seller_sku: str) -> ItemRef | None:
        row = self.rows.get(seller_sku)
        return _ref(row) if row else None

    async def list_items(self, cursor: str | None = None) -> ItemsPage:
        return ItemsPage(items=[_ref(row) for row in self.rows.values()])

    async def orders_since(self, watermark: datetime) -> list[OrderRecord]:
        return []  # a floor fed by spreadsheet hands its orders to the seller, not to us

    async def delist(self, ref: ItemRef) -> ItemResult:
        self.rows.pop(ref.seller_sku, None)
        self.changed.discard(ref.seller_sku)
        self.removed.add(ref.seller_sku)
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref)

    async def deliver(self) -> Upload | None:
        """The full workbook (every row) and the changes-only one (rows created or changed), when anything
        changed or was taken off; then the rows, so the next run starts from what the clerk received."""
        if not self.changed and not self.removed:
            return None
        rows = sorted(self.rows.values(), key=lambda row: row.sku)
        changed = [row for row in rows if row.sku in self.changed]
        files = write_feed(self.profile, self.account_id, rows, changed, private_folder(self.folder))
        saved = self.rows_path.with_suffix(".tmp")
        saved.write_text(json.dumps([row.model_dump(mode="json") for row in rows], ensure_ascii=False),
                         encoding="utf-8")
        os.chmod(saved, 0o600)
        saved.replace(self.rows_path)
        self.changed.clear()
        self.removed.clear()
        return Upload(full_path=str(files.full_path), changes_path=str(files.changes_path), rows=len(rows),
                      changed=len(changed))
