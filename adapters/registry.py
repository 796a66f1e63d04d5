"""The five marketplaces by name, in the order of their sandbox ports (DESIGN.md)."""

from __future__ import annotations

import importlib
from typing import Any

from adapters.common.contract import MarketplaceSpec

MARKETPLACES = ("shopee", "lazada", "voso", "postmart", "thainguyentrade")


def spec(name: str) -> MarketplaceSpec:
    """The spec exported as ``SPEC`` by ``adapters.<name>``."""
    if name not in MARKETPLACES:
        raise KeyError(f"unknown marketplace {name!r}; known: {', '.join(MARKETPLACES)}")
    return importlib.import_module(f"adapters.{name}").SPEC


def load(path: str) -> Any:
    """``module:attribute`` to the object."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def available() -> list[str]:
    """The marketplaces whose adapters have landed."""
    names = []
    for name in MARKETPLACES:
        try:
            spec(name)
        except (ImportError, AttributeError):
            continue
        names.append(name)
    return names
