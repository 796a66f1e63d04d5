"""The marketplaces by name: the five built in, in the order of their sandbox ports (DESIGN.md), then any
floor whose profile is found in a folder of ``SYNDICATOR_FLOOR_PATH`` (one sub-folder per floor, holding
``profile.toml`` or ``profile.json``): a fourth floor is a profile, not code."""

from __future__ import annotations

import importlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from adapters.common.contract import MarketplaceSpec
from adapters.partner.profile import FloorProfile, load_profile

MARKETPLACES = ("shopee", "lazada", "voso", "postmart", "thainguyentrade")
FLOOR_PATH_ENV = "SYNDICATOR_FLOOR_PATH"
# How a floor's public page is read, by the page style its profile names.
PAGE_READERS = {"jsonld": "adapters.partner.page:parse_product_page",
                "voso_inline_rdfa": "adapters.voso.page:parse_product_page"}


def floor_profiles() -> dict[str, FloorProfile]:
    """The floors found in ``SYNDICATOR_FLOOR_PATH``, by name."""
    return _profiles_under(os.environ.get(FLOOR_PATH_ENV, ""))


@cache
def _profiles_under(floor_path: str) -> dict[str, FloorProfile]:
    found: dict[str, FloorProfile] = {}
    for folder in filter(None, floor_path.split(os.pathsep)):
        for path in sorted([*Path(folder).glob("*/profile.toml"), *Path(folder).glob("*/profile.json")]):
            profile = load_profile(path)
            if profile.name in MARKETPLACES or profile.name in found:
                raise ValueError(f"floor profile {path}: the name {profile.name!r} is already taken")
            found[profile.name] = profile
    return found


def names() -> tuple[str, ...]:
    """Every marketplace a shop may be connected to."""
    return MARKETPLACES + tuple(floor_profiles())


def spec(name: str) -> MarketplaceSpec:
    """The spec exported as ``SPEC`` by ``adapters.<name>``, or built from a found floor's profile."""
    if name in MARKETPLACES:
        return importlib.import_module(f"adapters.{name}").SPEC
    if name in (found := floor_profiles()):
        from adapters.partner.floor import floor_spec

        return floor_spec(found[name], adapter="adapters.partner.client:PartnerAdapter",
                          sandbox="adapters.partner.sandbox:PartnerSandbox")
    raise KeyError(f"unknown marketplace {name!r}; known: {', '.join(names())}")


def floor_profile(name: str) -> FloorProfile:
    """A floor's profile: ``adapters.<floor>.PROFILE`` or the one found in ``SYNDICATOR_FLOOR_PATH``."""
    spec(name)
    return floor_profiles().get(name) or importlib.import_module(f"adapters.{name}").PROFILE


def adapter_class(name: str) -> Any:
    """The class that speaks the marketplace's API."""
    if name in MARKETPLACES:
        return load(spec(name).adapter)
    from adapters.partner.client import PartnerAdapter

    return PartnerAdapter.for_floor(floor_profile(name), f"{name}_adapter")


def sandbox_class(name: str) -> Any:
    """The class of the marketplace's local stand-in."""
    if name in MARKETPLACES:
        return load(spec(name).sandbox)
    from adapters.partner.sandbox import PartnerSandbox

    return PartnerSandbox.for_floor(floor_profile(name), f"{name}_sandbox")


def page_reader_path(name: str) -> str:
    """``module:function`` that reads the marketplace's public product page."""
    if name in MARKETPLACES:
        return f"adapters.{name}.page:parse_product_page"
    return PAGE_READERS[floor_profile(name).public_page]


def load(path: str) -> Any:
    """``module:attribute`` to the object."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def available() -> list[str]:
    """The marketplaces whose adapters have landed."""
    available = []
    for name in names():
        try:
            spec(name)
        except (ImportError, AttributeError):
            continue
        available.append(name)
    return available
