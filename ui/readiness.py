"""Readiness beside a product (the Products page): on which shops it is held back, and what to fix."""

from __future__ import annotations

import streamlit as st

from syndicator.access.readiness import product_readiness
from syndicator.users import Viewer
from ui.common import engine, guarded, plain, tr


def show_product_readiness(who: Viewer, product_id: int) -> None:
    """Under the product: a warning per shop where its published packs cannot be sent, with the reasons; a
    caption when none is held back."""
    found = guarded(lambda: product_readiness(engine(), who, [product_id]))
    if found is None or product_id not in found:
        return
    if not found[product_id]:
        st.caption(tr("readiness_all_ready"))
        return
    for shop, reasons in found[product_id]:
        lines = "\n".join(f"- {plain(reason)}" for reason in reasons)
        st.warning(f"**{plain(tr('readiness_shop_blocked', shop=shop))}**\n\n{lines}")
