"""Which listings are ready for their shop and which are blocked, and why: the marketplace's rules
(``adapters/common/readiness.py``) applied to each listing's draft, with its category resolved and its photos
from the store. The plan leaves a blocked listing's content actions out, so it is never sent; the listing
matrix and the Products page show the same reasons, from the same function. Reads only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from adapters import registry
from adapters.common.readiness import Blocker, Reason, check
from catalog.i18n import t
from catalog.models import ChannelAccount
from syndicator.channels import has_api, reads_setup
from syndicator.desired import drafts_with_gaps
from syndicator.setup import shop_setups

# readiness does not depend on price or stock; a draft needs them, so these stand in
ANY_PRICE, ANY_STOCK = 1, 0


@dataclass(frozen=True)
class BlockedListing:
    """One pack of one shop that cannot be sent, with every reason."""

    variant_id: int
    account_id: int
    seller_sku: str
    marketplace: str
    shop_id: str
    blockers: tuple[Blocker, ...]

    def as_json(self) -> dict[str, object]:
        return {"seller_sku": self.seller_sku, "marketplace": self.marketplace, "shop_id": self.shop_id,
                "reasons": [{"reason": blocker.reason.value, "detail": blocker.detail, "message": explain(blocker)}
                            for blocker in self.blockers]}


def explain(blocker: Blocker) -> str:
    """The reason in the reader's language, with what to fix (a reason with nothing to name reads without it)."""
    return " ".join(t(f"reason_{blocker.reason.value}", detail=blocker.detail).split())


def blocked_packs(session: Session, account: ChannelAccount, variant_ids: Iterable[int]) -> list[BlockedListing]:
    """The packs among ``variant_ids`` (all of one shop) that are blocked there."""
    wanted = {variant_id: (ANY_PRICE, ANY_STOCK) for variant_id in variant_ids}
    if not wanted:
        return []
    capabilities = registry.spec(account.marketplace).capabilities
    if not has_api(account):  # a clerk's workbook: the floor's own rules apply when the clerk uploads it
        capabilities = capabilities.model_copy(update={"setup": False, "photo_required": False})
    setup = shop_setups(session, [account.id])[account.id] if reads_setup(account) else None
    blocked = []
    for variant_id, (draft, missing) in sorted(drafts_with_gaps(session, account.id, wanted).items()):
        gaps = [Blocker(reason=Reason.photo_missing, detail=entry[:80]) for entry in missing]
        blockers = gaps + check(draft, capabilities, setup)
        if blockers:
            blocked.append(BlockedListing(variant_id, account.id, draft.seller_sku, account.marketplace,
                                          account.shop_id, tuple(blockers)))
    return blocked
