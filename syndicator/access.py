"""What the app may read and change, for whom: the only door from ``ui/`` to the database.

Every function takes the :class:`~syndicator.users.Viewer` and enforces the roles itself:
a ``coop`` user sees and edits only its own co-op, an ``officer`` sees every co-op and changes nothing,
an ``admin`` manages co-ops, users and price rules. Lists are paged and totals aggregated in the
database, so a page costs the same at 50 listings as at 100,000.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import (
    Category,
    ChannelAccount,
    Coop,
    Listing,
    ListingObservation,
    ListingState,
    Order,
    OrderLine,
    Product,
    Role,
    Sku,
    SyncEvent,
    SyncRun,
)
from catalog.pricing import PriceRule, StockPolicy
from catalog.stock import stock_levels
from catalog.text import fold, sort_key
from catalog.validation import parse_price
from syndicator.channels import awaiting_upload_counts, feed_paths, price_rule, stock_policy
from syndicator.engine import summary_for_shops
from syndicator.feeds import confirm_upload
from syndicator.users import Viewer

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOT_SOLD = ("cancelled", "returned")
SALES_DIMENSIONS = ("coop", "product", "marketplace", "month")


class AccessDenied(PermissionError):
    """The viewer's role does not allow this (checked here, whatever the page shows)."""


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class Overview:
    listings: list[dict[str, Any]]  # marketplace, state, count
    orders_today: int
    sales_today: int
    last_run: dict[str, Any] | None
    coops: int
    skus: int


# ---------------------------------------------------------------- roles


def _require_admin(viewer: Viewer) -> None:
    if viewer.role is not Role.admin:
        raise AccessDenied("chỉ quản trị viên được làm việc này / admins only")


def _require_editor_of(viewer: Viewer, coop_id: int | None) -> None:
    if viewer.role is Role.admin:
        return
    if viewer.role is Role.officer:
        raise AccessDenied("cán bộ khuyến nông chỉ được xem / officers have read-only access")
    if coop_id is None or coop_id != viewer.coop_id:
        raise AccessDenied("chỉ được sửa dữ liệu của HTX mình / you may edit only your own co-op")


def _scope_coop_id(session: Session, viewer: Viewer, coop_code: str | None) -> int | None:
    """The co-op a query is limited to: a co-op user's own, or the one asked for (None = all)."""
    if viewer.role is Role.coop:
        if coop_code and coop_code != viewer.coop_code:
            raise AccessDenied("không xem được HTX khác / you cannot see another co-op")
        return viewer.coop_id
    if not coop_code:
        return None
    coop_id = session.exec(select(Coop.id).where(Coop.code == coop_code)).first()
    if coop_id is None:
        raise LookupError(f"không có HTX mã {coop_code!r} / no co-op {coop_code!r}")
    return coop_id


def can_edit(viewer: Viewer) -> bool:
    """Whether the pages should offer editing at all (the functions below check again)."""
    return viewer.role is not Role.officer


# ---------------------------------------------------------------- Vietnamese text in SQL


@lru_cache(maxsize=200_000)
def _sql_sort_key(text: str) -> str:
    """catalog's Vietnamese order as a string SQLite can sort by: fixed-width ranks, then the tones."""
    letters, tones = sort_key(text)
    return "".join(f"{rank + 0x110000:06x}" for rank in letters) + " " + "".join(f"{t:06x}" for t in tones)


VIETNAMESE_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b")


@cache
def _fold_table() -> tuple[str, str]:
    """Every Vietnamese letter with a mark, and the bare letter it folds to (for SQL ``translate``)."""
    sources, targets = ["đĐ"], ["dd"]
    for code in range(0xC0, 0x1EFA):
        char = chr(code)
        base, *marks = unicodedata.normalize("NFD", char)
        if base in "aeiouyAEIOUY" and marks and set(marks) <= VIETNAMESE_MARKS:
            sources.append(char)
            targets.append(base.lower())
    return "".join(sources), "".join(targets)


def _prepare(session: Session) -> None:
    """Teach SQLite the folding and Vietnamese order PostgreSQL gets from ``translate`` and ICU."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    raw.create_function("syn_fold", 1, lambda text: None if text is None else fold(text), deterministic=True)
    raw.create_function("syn_sort_key", 1, lambda text: None if text is None else _sql_sort_key(text),
                        deterministic=True)


def _folded(session: Session, column: Any) -> Any:
    if session.connection().dialect.name == "sqlite":
        return sa.func.syn_fold(column)
    sources, targets = _fold_table()
    return sa.func.lower(sa.func.translate(column, sources, targets))


def _vietnamese_order(session: Session, column: Any) -> Any:
    dialect = session.connection().dialect.name
    if dialect == "sqlite":
        return sa.func.syn_sort_key(column)
    if dialect == "postgresql" and _has_icu_vietnamese(session):
        return column.collate("vi-x-icu")
    return column


def _has_icu_vietnamese(session: Session) -> bool:
    found = session.execute(sa.text("select 1 from pg_collation where collname = 'vi-x-icu'")).first()
    return found is not None


def _matches(session: Session, query: str, texts: tuple[Any, ...], codes: tuple[Any, ...]) -> Any:
    """Vietnamese text columns compared folded (with or without diacritics); codes compared case-blind."""
    pattern = f"%{fold(query.strip())}%"
    return sa.or_(*(_folded(session, column).like(pattern) for column in texts),
                  *(sa.func.lower(column).like(pattern) for column in codes))


# ---------------------------------------------------------------- co-ops


def coops(engine: Engine, viewer: Viewer) -> list[dict[str, Any]]:
    """The co-ops the viewer may see, in Vietnamese order of name."""
    with session_scope(engine) as session:
        _prepare(session)
        statement = select(Coop.code, Coop.name, Coop.commune_name, Coop.province)
        coop_id = _scope_coop_id(session, viewer, None)
        if coop_id is not None:
            statement = statement.where(Coop.id == coop_id)
        rows = session.exec(statement.order_by(_vietnamese_order(session, Coop.name))).all()
    return [dict(zip(("code", "name", "commune", "province"), row, strict=True)) for row in rows]


def add_coop(engine: Engine, viewer: Viewer, code: str, name: str, commune: str | None = None,
             lang: str | None = None) -> str:
    """Register a co-op (admins only; the catalog checks code and commune); returns its code."""
    from catalog.coops import add_coop as register

    _require_admin(viewer)
    with session_scope(engine) as session:
        return register(session, code, name, commune, lang=lang).code


def create_login(engine: Engine, viewer: Viewer, username: str, password: str, role: str,
                 coop_code: str | None = None) -> Viewer:
    _require_admin(viewer)
    from syndicator.users import add_user

    return add_user(engine, username, password, role, coop_code=coop_code)


def logins(engine: Engine, viewer: Viewer) -> list[dict[str, Any]]:
    _require_admin(viewer)
    from syndicator.users import list_users

    return list_users(engine)


def set_login_disabled(engine: Engine, viewer: Viewer, username: str, disabled: bool) -> str:
    """Disable or enable a login (admins only; never their own, so the app keeps an admin); its username."""
    _require_admin(viewer)
    from syndicator.users import UserError, disable_user, enable_user

    if disabled and username == viewer.username:
        raise UserError("không thể tự khoá tài khoản của mình / you cannot disable your own login")
    (disable_user if disabled else enable_user)(engine, username)
    return username


# ---------------------------------------------------------------- overview


def overview(engine: Engine, viewer: Viewer, coop_code: str | None = None, *, now: datetime | None = None) -> Overview:
    """Listings per marketplace and state, today's orders (Vietnam time) and the last sync run."""
    now = now or datetime.now(UTC)
    day_start = datetime.combine(now.astimezone(LOCAL_ZONE).date(), time(), LOCAL_ZONE)
    with session_scope(engine) as session:
        coop_id = _scope_coop_id(session, viewer, coop_code)
        counts = select(ChannelAccount.marketplace, Listing.state, sa.func.count(Listing.id)).join(
            ChannelAccount, Listing.channel_account_id == ChannelAccount.id
        ).where(ChannelAccount.enabled)
        orders = select(sa.func.count(Order.id), sa.func.coalesce(sa.func.sum(Order.total), 0)).join(
            ChannelAccount, Order.channel_account_id == ChannelAccount.id
        ).where(Order.placed_at >= day_start, Order.status.not_in(NOT_SOLD))
        skus = select(sa.func.count(Sku.id)).join(Product, Sku.product_id == Product.id)
        coop_count = select(sa.func.count(Coop.id))
        if coop_id is not None:
            counts = counts.where(ChannelAccount.coop_id == coop_id)
            orders = orders.where(ChannelAccount.coop_id == coop_id)
            skus = skus.where(Product.coop_id == coop_id)
            coop_count = coop_count.where(Coop.id == coop_id)
        listing_rows = session.exec(counts.group_by(ChannelAccount.marketplace, Listing.state)).all()
        order_count, order_total = session.exec(orders).one()
        runs = _runs_statement(coop_id).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)
        last = session.exec(runs).first()
        return Overview(
            listings=[{"marketplace": str(m), "state": str(s), "count": n} for m, s, n in listing_rows],
            orders_today=order_count,
            sales_today=int(order_total),
            last_run=_run_row(last, _shops_of(session, coop_id)) if last else None,
            coops=session.exec(coop_count).one(),
            skus=session.exec(skus).one(),
        )


# ---------------------------------------------------------------- products


def _sku_statement(session: Session, viewer: Viewer, query: str, coop_code: str | None) -> Any:
    coop_id = _scope_coop_id(session, viewer, coop_code)
    statement = (
        select(
            Sku.id, Coop.code, Product.code, Product.name, Sku.sku, Sku.variant, Sku.price, Sku.weight_g,
            Sku.enabled, Category.name_vi,
        )
        .join(Product, Sku.product_id == Product.id)
        .join(Coop, Product.coop_id == Coop.id)
        .join(Category, Product.category_id == Category.id, isouter=True)
    )
    if coop_id is not None:
        statement = statement.where(Product.coop_id == coop_id)
    if query.strip():
        statement = statement.where(_matches(session, query, (Product.name, Sku.variant), (Product.code, Sku.sku)))
    return statement


def _paged(session: Session, statement: Any, offset: int, limit: int) -> tuple[list[Any], int]:
    total = session.exec(select(sa.func.count()).select_from(statement.subquery())).one()
    return list(session.exec(statement.offset(offset).limit(limit)).all()), total


PRODUCT_COLUMNS = ("sku_id", "coop_code", "product_code", "name", "sku", "variant", "price", "weight_g",
                   "enabled", "category")


def _sku_page(session: Session, viewer: Viewer, query: str, coop_code: str | None, offset: int, limit: int
              ) -> tuple[list[dict[str, Any]], int]:
    """One page of the SKUs the viewer may see, matching ``query``, in Vietnamese order of product name."""
    _prepare(session)
    statement = _sku_statement(session, viewer, query, coop_code).order_by(
        _vietnamese_order(session, Product.name), Sku.sku
    )
    rows, total = _paged(session, statement, offset, limit)
    return [dict(zip(PRODUCT_COLUMNS, row, strict=True)) for row in rows], total


def products(engine: Engine, viewer: Viewer, query: str = "", coop_code: str | None = None,
             offset: int = 0, limit: int = 50) -> Page:
    """One row per SKU with its stock (on hand, available), in Vietnamese order of product name."""
    with session_scope(engine) as session:
        records, total = _sku_page(session, viewer, query, coop_code, offset, limit)
        levels = stock_levels(session, [r["sku_id"] for r in records])
    for record in records:
        record["on_hand"], record["available"] = levels[record["sku_id"]].on_hand, levels[record["sku_id"]].available
    return Page(records, total, offset, limit)


def product_row(engine: Engine, viewer: Viewer, sku: str) -> dict[str, Any]:
    """One SKU as a spreadsheet row (the same fields an import takes), for the edit form."""
    from catalog.spreadsheet import row_for_sku

    with session_scope(engine) as session:
        found = session.exec(
            select(Sku, Product).join(Product, Sku.product_id == Product.id).where(Sku.sku == sku)
        ).first()
        if found is None:
            raise LookupError(f"không có SKU {sku!r} / no SKU {sku!r}")
        if viewer.role is Role.coop and found[1].coop_id != viewer.coop_id:
            raise AccessDenied("không xem được HTX khác / you cannot see another co-op")
        return row_for_sku(session, found[0])


def save_product_row(engine: Engine, viewer: Viewer, raw: dict[str, Any], lang: str | None = None) -> list[Any]:
    """Validate one row exactly as an import would and write it; its errors (and nothing written) otherwise."""
    from catalog.importer import write_rows
    from catalog.validation import validate_row

    if viewer.role is Role.coop:
        raw = raw | {"coop_code": viewer.coop_code}
    with session_scope(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == raw.get("coop_code"))).first()
    if viewer.role is not Role.admin or coop_id is not None:
        _require_editor_of(viewer, coop_id)
    row, errors = validate_row(raw, 1, lang=lang)
    if errors or row is None:
        return errors
    return write_rows(engine, [row], lang=lang).errors


def import_catalog(engine: Engine, viewer: Viewer, path: Path, coop_code: str | None = None,
                   dry_run: bool = True, progress: Callable[..., Any] | None = None, lang: str | None = None) -> Any:
    """Import a spreadsheet (all rows or none); a co-op user imports only into its own co-op."""
    from catalog.importer import import_file

    if viewer.role is Role.officer:
        raise AccessDenied("cán bộ khuyến nông chỉ được xem / officers have read-only access")
    if viewer.role is Role.coop:
        coop_code = sync_scope(viewer, coop_code)
    return import_file(engine, path, coop_code=coop_code, dry_run=dry_run, progress=progress, lang=lang)


def export_catalog(engine: Engine, viewer: Viewer, path: Path, coop_code: str | None = None) -> Path:
    """Write the catalog the viewer may see in the import layout."""
    from catalog.spreadsheet import export_file

    with session_scope(engine) as session:
        _scope_coop_id(session, viewer, coop_code)
    if viewer.role is Role.coop:
        coop_code = viewer.coop_code
    export_file(engine, path, coop_code=coop_code)
    return path


# ---------------------------------------------------------------- listings


def listing_matrix(engine: Engine, viewer: Viewer, query: str = "", coop_code: str | None = None,
                   offset: int = 0, limit: int = 50) -> Page:
    """A page of SKUs, each with its listing on every marketplace: state, last error, listing id."""
    with session_scope(engine) as session:
        records, total = _sku_page(session, viewer, query, coop_code, offset, limit)
        by_sku = {r["sku_id"]: r | {"listings": {}} for r in records}
        records = list(by_sku.values())
        if by_sku:
            listings = session.exec(
                select(Listing.sku_id, ChannelAccount.marketplace, Listing.id, Listing.state, Listing.enabled,
                       Listing.last_error, Listing.external_item_id, Listing.price_override)
                .join(ChannelAccount, Listing.channel_account_id == ChannelAccount.id)
                .where(Listing.sku_id.in_(by_sku), ChannelAccount.enabled)
            ).all()
            for sku_id, marketplace, listing_id, state, enabled, error, item_id, override in listings:
                by_sku[sku_id]["listings"][str(marketplace)] = {
                    "listing_id": listing_id, "state": str(state), "enabled": enabled,
                    "last_error": error, "external_item_id": item_id, "price_override": override,
                }
    return Page(records, total, offset, limit)


def publish(engine: Engine, viewer: Viewer, sku_ids: Iterable[int], marketplaces: Iterable[str]) -> int:
    """Ask for the SKUs to be listed on the marketplaces (on every connected shop of their co-op there).

    Creates draft listings (or re-enables delisted ones); the next sync sends them. Returns how many
    listings were created or re-enabled.
    """
    sku_ids, marketplaces = list(sku_ids), [str(m) for m in marketplaces]
    changed = 0
    with session_scope(engine) as session:
        pairs = session.exec(
            select(Sku.id, ChannelAccount.id, Product.coop_id)
            .join(Product, Sku.product_id == Product.id)
            .join(ChannelAccount, ChannelAccount.coop_id == Product.coop_id)
            .where(Sku.id.in_(sku_ids), ChannelAccount.marketplace.in_(marketplaces), ChannelAccount.enabled)
        ).all()
        for coop_id in {coop_id for _, _, coop_id in pairs} or _coops_of_skus(session, sku_ids):
            _require_editor_of(viewer, coop_id)
        for sku_id, account_id, _ in pairs:
            listing = session.exec(
                select(Listing).where(Listing.sku_id == sku_id, Listing.channel_account_id == account_id)
            ).first()
            if listing is None:
                session.add(Listing(sku_id=sku_id, channel_account_id=account_id, state=ListingState.draft))
                changed += 1
            elif not listing.enabled:
                listing.enabled = True
                changed += 1
    return changed


def delist(engine: Engine, viewer: Viewer, listing_ids: Iterable[int]) -> int:
    """Ask for listings to be taken down at the next sync; returns how many were switched off."""
    listing_ids = list(listing_ids)
    with session_scope(engine) as session:
        found = session.exec(
            select(Listing, ChannelAccount.coop_id)
            .join(ChannelAccount, Listing.channel_account_id == ChannelAccount.id)
            .where(Listing.id.in_(listing_ids))
        ).all()
        for _, coop_id in found:
            _require_editor_of(viewer, coop_id)
        changed = 0
        for listing, _ in found:
            if listing.enabled:
                listing.enabled = False
                changed += 1
    return changed


def set_price_override(engine: Engine, viewer: Viewer, listing_id: int, price: str | int | None,
                       lang: str | None = None) -> int | None:
    """Sell this one listing at ``price`` instead of its shop's price rule (own co-op or admin); blank clears it.
    A price that cannot be read raises ValueError and changes nothing."""
    override = None if price is None or str(price).strip() == "" else parse_price(price, lang)
    with session_scope(engine) as session:
        found = session.exec(
            select(Listing, ChannelAccount.coop_id)
            .join(ChannelAccount, Listing.channel_account_id == ChannelAccount.id).where(Listing.id == listing_id)
        ).first()
        if found is None:
            raise LookupError(f"không có tin đăng {listing_id} / no listing {listing_id}")
        listing, coop_id = found
        _require_editor_of(viewer, coop_id)
        listing.price_override = override
    return override


def _coops_of_skus(session: Session, sku_ids: list[int]) -> set[int]:
    rows = session.exec(
        select(Product.coop_id).join(Sku, Sku.product_id == Product.id).where(Sku.id.in_(sku_ids))
    ).all()
    return set(rows)


# ---------------------------------------------------------------- shops


def channels(engine: Engine, viewer: Viewer, coop_code: str | None = None) -> list[dict[str, Any]]:
    """Every shop the viewer may see: marketplace, co-op, state, token expiry, price rule, stock policy."""
    with session_scope(engine) as session:
        coop_id = _scope_coop_id(session, viewer, coop_code)
        statement = (
            select(ChannelAccount, Coop.code).join(Coop, ChannelAccount.coop_id == Coop.id)
            .where(ChannelAccount.enabled)
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        rows = session.exec(statement.order_by(ChannelAccount.marketplace, Coop.code)).all()
        listed = dict(session.exec(
            select(Listing.channel_account_id, sa.func.count(Listing.id))
            .where(Listing.state == ListingState.live,
                   Listing.channel_account_id.in_([account.id for account, _ in rows]))
            .group_by(Listing.channel_account_id)
        ).all())
        awaiting = awaiting_upload_counts(session, [account.id for account, _ in rows])
    return [
        {
            "id": account.id, "coop_code": code, "marketplace": str(account.marketplace),
            "shop_id": account.shop_id, "name": account.name, "state": account.state,
            "access_expires_at": account.access_expires_at, "refresh_expires_at": account.refresh_expires_at,
            "price_rule": price_rule(account).model_dump(mode="json"),
            "stock_policy": stock_policy(account).model_dump(mode="json"),
            "live_listings": listed.get(account.id, 0), "awaiting_upload": awaiting.get(account.id, 0),
            **feed_paths(account),
        }
        for account, code in rows
    ]


def confirm_feed_upload(engine: Engine, viewer: Viewer, account_id: int) -> int:
    """The clerk uploaded the shop's feed workbook: its listings awaiting upload are live (own co-op or admin)."""
    with session_scope(engine) as session:
        _require_editor_of(viewer, _account(session, account_id).coop_id)
    return confirm_upload(engine, account_id)


def set_price_rule(engine: Engine, viewer: Viewer, account_id: int, rule: dict[str, Any]) -> None:
    """Replace a shop's price rule (admins only), checked by the catalog's PriceRule model first."""
    _require_admin(viewer)
    checked = PriceRule.model_validate(rule).model_dump(mode="json")
    with session_scope(engine) as session:
        account = _account(session, account_id)
        account.price_rule = checked


def set_stock_policy(engine: Engine, viewer: Viewer, account_id: int, policy: dict[str, Any]) -> None:
    """Replace a shop's stock policy (its own co-op or an admin)."""
    checked = StockPolicy.model_validate(policy).model_dump(mode="json")
    with session_scope(engine) as session:
        account = _account(session, account_id)
        _require_editor_of(viewer, account.coop_id)
        account.stock_policy = checked


def _account(session: Session, account_id: int) -> ChannelAccount:
    account = session.get(ChannelAccount, account_id)
    if account is None:
        raise LookupError(f"không có gian hàng {account_id} / no shop {account_id}")
    return account


# ---------------------------------------------------------------- sync


def _runs_statement(coop_id: int | None) -> Any:
    statement = select(SyncRun)
    if coop_id is None:
        return statement
    touched = (
        select(SyncEvent.id)
        .join(ChannelAccount, SyncEvent.channel_account_id == ChannelAccount.id)
        .where(SyncEvent.run_id == SyncRun.id, ChannelAccount.coop_id == coop_id)
    )
    return statement.where(sa.exists(touched))


def _run_row(run: SyncRun, shops: set[int] | None) -> dict[str, Any]:
    """A run as a viewer sees it: ``shops`` are the account ids of a co-op user's co-op (None = every shop)."""
    summary = dict(run.summary) if shops is None else summary_for_shops(run.summary, shops)
    return {
        "id": run.id, "trigger": run.trigger, "status": run.status, "started_at": run.started_at,
        "finished_at": run.finished_at, "scope": dict(run.scope), "summary": summary,
    }


def _shops_of(session: Session, coop_id: int | None) -> set[int] | None:
    """The account ids of a co-op's shops (None when the viewer sees every co-op)."""
    if coop_id is None:
        return None
    return set(session.exec(select(ChannelAccount.id).where(ChannelAccount.coop_id == coop_id)).all())


def sync_runs(engine: Engine, viewer: Viewer, offset: int = 0, limit: int = 20) -> Page:
    """Sync runs newest first (a co-op sees only runs that touched its shops)."""
    with session_scope(engine) as session:
        coop_id = _scope_coop_id(session, viewer, None)
        statement = _runs_statement(coop_id).order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        rows, total = _paged(session, statement, offset, limit)
        shops = _shops_of(session, coop_id)
    return Page([_run_row(run, shops) for run in rows], total, offset, limit)


def sync_errors(engine: Engine, viewer: Viewer, run_id: int | None = None, offset: int = 0,
                limit: int = 50) -> Page:
    """Failed sync events with the marketplace's own message, newest first."""
    with session_scope(engine) as session:
        coop_id = _scope_coop_id(session, viewer, None)
        statement = (
            select(SyncEvent.run_id, SyncEvent.created_at, Coop.code, ChannelAccount.marketplace, Sku.sku,
                   SyncEvent.action, SyncEvent.error_kind, SyncEvent.message)
            .join(ChannelAccount, SyncEvent.channel_account_id == ChannelAccount.id, isouter=True)
            .join(Coop, ChannelAccount.coop_id == Coop.id, isouter=True)
            .join(Listing, SyncEvent.listing_id == Listing.id, isouter=True)
            .join(Sku, Listing.sku_id == Sku.id, isouter=True)
            .where(SyncEvent.outcome == "error")
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        if run_id is not None:
            statement = statement.where(SyncEvent.run_id == run_id)
        rows, total = _paged(session, statement.order_by(SyncEvent.id.desc()), offset, limit)
    keys = ("run_id", "at", "coop_code", "marketplace", "sku", "action", "error_kind", "message")
    return Page([dict(zip(keys, row, strict=True)) for row in rows], total, offset, limit)


def sync_scope(viewer: Viewer, coop_code: str | None) -> str | None:
    """The co-op a sync started by this viewer may cover (officers may not start one)."""
    if viewer.role is Role.officer:
        raise AccessDenied("cán bộ khuyến nông chỉ được xem / officers have read-only access")
    if viewer.role is Role.coop:
        if coop_code and coop_code != viewer.coop_code:
            raise AccessDenied("chỉ được đồng bộ HTX mình / you may sync only your own co-op")
        return viewer.coop_code
    return coop_code


def plan_preview(engine: Engine, viewer: Viewer, coop_code: str | None = None,
                 marketplace: str | None = None) -> Any:
    """What a sync would send for the viewer's scope; sends nothing."""
    from syndicator.plan import build_plan

    if viewer.role is Role.coop:
        coop_code = sync_scope(viewer, coop_code)
    return build_plan(engine, coop_code=coop_code, marketplace=marketplace)


def run_sync_now(engine: Engine, viewer: Viewer, coop_code: str | None = None, marketplace: str | None = None,
                 progress: Callable[..., Any] | None = None) -> Any:
    """Start a sync from the app (co-op users: their own co-op; officers: never)."""
    from syndicator.engine import run_sync

    return run_sync(engine, coop_code=sync_scope(viewer, coop_code), marketplace=marketplace, trigger="ui",
                    progress=progress)


# ---------------------------------------------------------------- sales


def _month(session: Session, column: Any) -> Any:
    if session.connection().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column, "+7 hours")
    return sa.func.to_char(sa.func.timezone(str(LOCAL_ZONE), column), "YYYY-MM")


def sales(engine: Engine, viewer: Viewer, by: str, coop_code: str | None = None,
          since: datetime | None = None, until: datetime | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Revenue (đồng), units and orders grouped by ``coop``, ``product``, ``marketplace`` or ``month``.

    Cancelled and returned orders do not count. Months are in Vietnam time.
    """
    if by not in SALES_DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(SALES_DIMENSIONS)}")
    with session_scope(engine) as session:
        coop_id = _scope_coop_id(session, viewer, coop_code)
        key = {
            "coop": Coop.name,
            "product": sa.func.coalesce(Product.name, OrderLine.seller_sku),
            "marketplace": ChannelAccount.marketplace,
            "month": _month(session, Order.placed_at),
        }[by]
        revenue = sa.func.sum(OrderLine.quantity * OrderLine.unit_price)
        statement = (
            select(key.label("key"), revenue.label("revenue"), sa.func.sum(OrderLine.quantity),
                   sa.func.count(sa.distinct(Order.id)))
            .select_from(OrderLine)
            .join(Order, OrderLine.order_id == Order.id)
            .join(ChannelAccount, Order.channel_account_id == ChannelAccount.id)
            .join(Coop, ChannelAccount.coop_id == Coop.id)
            .join(Sku, OrderLine.sku_id == Sku.id, isouter=True)
            .join(Product, Sku.product_id == Product.id, isouter=True)
            .where(Order.status.not_in(NOT_SOLD))
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        if since is not None:
            statement = statement.where(Order.placed_at >= since)
        if until is not None:
            statement = statement.where(Order.placed_at < until)
        order = sa.asc("key") if by == "month" else sa.desc("revenue")
        rows = session.exec(statement.group_by(key).order_by(order).limit(limit)).all()
    return [
        {by: str(key_value), "revenue": int(total or 0), "units": int(units or 0), "orders": orders}
        for key_value, total, units, orders in rows
    ]


def unknown_order_lines(engine: Engine, viewer: Viewer, coop_code: str | None = None, offset: int = 0,
                        limit: int = 50) -> Page:
    """Order lines whose seller SKU is none of the shop's co-op's SKUs (typed in the seller centre, or
    another co-op's): kept on the order, never moving stock; newest first, for the shop's co-op and officers."""
    with session_scope(engine) as session:
        coop_id = _scope_coop_id(session, viewer, coop_code)
        statement = (
            select(Order.placed_at, Coop.code, ChannelAccount.marketplace, Order.marketplace_order_id,
                   OrderLine.seller_sku, OrderLine.quantity, OrderLine.unit_price)
            .join(Order, OrderLine.order_id == Order.id)
            .join(ChannelAccount, Order.channel_account_id == ChannelAccount.id)
            .join(Coop, ChannelAccount.coop_id == Coop.id)
            .where(OrderLine.sku_id.is_(None))
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        rows, total = _paged(session, statement.order_by(OrderLine.id.desc()), offset, limit)
    keys = ("placed_at", "coop_code", "marketplace", "order_id", "seller_sku", "quantity", "unit_price")
    return Page([dict(zip(keys, row, strict=True)) for row in rows], total, offset, limit)


# ---------------------------------------------------------------- monitor


def observations(engine: Engine, viewer: Viewer, drift_only: bool = False, offset: int = 0,
                 limit: int = 50) -> Page:
    """What shoppers saw on each listing's public page, newest first, with drift."""
    with session_scope(engine) as session:
        coop_id = _scope_coop_id(session, viewer, None)
        statement = (
            select(ListingObservation.observed_at, Coop.code, ChannelAccount.marketplace, Sku.sku,
                   ListingObservation.visible, ListingObservation.price, Listing.pushed_price,
                   ListingObservation.stock, ListingObservation.sold_count, ListingObservation.drift,
                   ListingObservation.url)
            .join(Listing, ListingObservation.listing_id == Listing.id)
            .join(ChannelAccount, Listing.channel_account_id == ChannelAccount.id)
            .join(Coop, ChannelAccount.coop_id == Coop.id)
            .join(Sku, Listing.sku_id == Sku.id)
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        if drift_only:
            statement = statement.where(sa.func.json_array_length(ListingObservation.drift) > 0)
        rows, total = _paged(session, statement.order_by(ListingObservation.id.desc()), offset, limit)
    keys = ("observed_at", "coop_code", "marketplace", "sku", "visible", "price", "pushed_price", "stock",
            "sold_count", "drift", "url")
    return Page([dict(zip(keys, row, strict=True)) for row in rows], total, offset, limit)

