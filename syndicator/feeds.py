"""Spreadsheet feeds for shops on a floor without API access: when anything changed, write the full
workbook and the changes-only workbook (adapters.partner.feed) and mark those listings awaiting upload."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters import registry
from adapters.common.contract import ListingDraft
from adapters.partner.feed import FeedError, FeedRow, write_feed
from catalog.db import private_folder, session_scope
from catalog.models import ChannelAccount, Listing, ListingState, utcnow
from syndicator.channels import ChannelError, feeds_folder, has_api
from syndicator.desired import listing_drafts
from syndicator.plan import AccountScope, Action, Plan


@dataclass
class FeedReport:
    account_id: int
    marketplace: str
    rows: int = 0
    changed: int = 0
    full_path: str | None = None
    changes_path: str | None = None
    error: str | None = None


def feed_row(draft: ListingDraft) -> FeedRow:
    return FeedRow(
        sku=draft.seller_sku, name_vi=draft.name, category=draft.category_name or draft.category_code,
        unit=draft.variant or None, price_vnd=draft.price, stock=draft.stock, weight_g=draft.weight_g,
        length_cm=draft.length_cm, width_cm=draft.width_cm, height_cm=draft.height_cm,
        shelf_life_days=draft.shelf_life_days, ocop_stars=draft.ocop_stars, ocop_valid_to=draft.ocop_valid_to,
        gtin=draft.gtin, trace_url=draft.trace_url, origin_address=draft.origin or None,
        cooperative_name=draft.coop_name or None, image_urls=draft.images, description_html=draft.description,
    )


def _write_shop(engine: Engine, account: AccountScope, listings: list[Action], changed_ids: set[int]) -> FeedReport:
    report = FeedReport(account.id, account.marketplace, rows=len(listings), changed=len(changed_ids))
    wanted = {action.listing_id: action for action in listings}
    with Session(engine) as session:
        drafts = listing_drafts(session, account.id, wanted)
    rows = [feed_row(drafts[listing_id]) for listing_id in wanted]
    changed = [feed_row(drafts[listing_id]) for listing_id in wanted if listing_id in changed_ids]
    folder = private_folder(feeds_folder())
    try:
        files = write_feed(registry.floor_profile(account.marketplace), account.id, rows, changed, folder)
    except FeedError as exc:
        report.error = str(exc)
        return report
    report.full_path, report.changes_path = str(files.full_path), str(files.changes_path)
    now = utcnow()
    with session_scope(engine) as session:
        session.execute(sa.update(Listing), [
            {"id": wanted[i].listing_id, "state": ListingState.awaiting_upload.value, "last_error": None,
             "pushed_content_hash": wanted[i].content_hash, "pushed_price": wanted[i].price,
             "pushed_stock": wanted[i].stock, "last_synced_at": now}
            for i in changed_ids
        ])
    return report


def write_feeds(engine: Engine, plan: Plan) -> list[FeedReport]:
    """One pair of workbooks per feed-only shop with changes; nothing for shops without changes."""
    reports = []
    for account in plan.accounts:
        if account.has_api:
            continue
        listings = plan.feed_listings.get(account.id, [])
        listed = {action.listing_id for action in listings}
        changed_ids = {action.listing_id for action in plan.for_account(account.id)} & listed
        if changed_ids:
            reports.append(_write_shop(engine, account, listings, changed_ids))
    return reports


def confirm_upload(engine: Engine, account_id: int) -> int:
    """A clerk uploaded the shop's feed in the floor's seller centre: its awaiting listings are live.
    Returns how many listings changed state."""
    with session_scope(engine) as session:
        account = session.get(ChannelAccount, account_id)
        if account is None:
            raise ChannelError(f"không có gian hàng {account_id} / no shop {account_id}")
        if has_api(account):
            raise ChannelError(f"gian hàng #{account_id} dùng API, không dùng bảng tính / "
                               f"shop #{account_id} syncs by API, not by spreadsheet feed")
        confirmed = session.execute(
            sa.update(Listing)
            .where(Listing.channel_account_id == account_id, Listing.state == ListingState.awaiting_upload)
            .values(state=ListingState.live, last_synced_at=utcnow())
        )
        return confirmed.rowcount
