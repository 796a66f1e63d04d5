"""A clerk's confirmation that a shop's feed workbook was uploaded in the floor's seller centre. The
workbooks themselves are written by the shop's adapter (``adapters.partner.feed_shop``) during a sync."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount
from syndicator import binding
from syndicator.channels import ChannelError, has_api


def confirm_upload(engine: Engine, account_id: int) -> int:
    """A clerk uploaded the shop's feed in the floor's seller centre: its awaiting listings are live.
    Returns how many listings changed state."""
    with session_scope(engine) as session:
        account = session.get(ChannelAccount, account_id)
        if account is None:
            raise ChannelError(t("channel_unknown", id=account_id))
        if has_api(account):
            raise ChannelError(t("channel_has_api", id=account_id))
        return binding.confirm_upload(session, account_id)
