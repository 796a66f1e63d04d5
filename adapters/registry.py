"""The marketplaces by name: the five built in, in the order of their sandbox ports (DESIGN.md), then any
floor whose profile is found in a folder of ``SYNDICATOR_FLOOR_PATH`` (one sub-folder per floor, holding
``profile.toml`` or ``profile.json``): a fourth floor is a profile, not code.

Nothing here forgives a broken marketplace: a module that fails to import fails the caller. A marketplace
is switched off only by its spec saying so (``enabled=False``), which is logged once."""

from __future__ import annotations

import importlib
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

from adapters.common.contract import MarketplaceSpec
from adapters.partner.profile import FloorProfile, load_profile
from catalog.settings import env_name, settings

MARKETPLACES = ("shopee", "lazada", "voso", "postmart", "thainguyentrade")
FLOOR_PATH_ENV = env_name("floor_path")
log = logging.getLogger("adapters.registry")


def floor_profiles() -> dict[str, FloorProfile]:
    """The floors found in ``SYNDICATOR_FLOOR_PATH``, by name."""
    return _profiles_under(settings().floor_path)


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


def registered() -> tuple[str, ...]:
    """Every marketplace built in or found in ``SYNDICATOR_FLOOR_PATH``, switched off or not."""
    return MARKETPLACES + tuple(floor_profiles())


def names() -> tuple[str, ...]:
    """Every marketplace a shop may be connected to: the registered ones their spec does not switch off."""
    return tuple(name for name in registered() if enabled(name))


def enabled(name: str) -> bool:
    """Whether the marketplace's spec leaves it on; one switched off is logged (once)."""
    if spec(name).enabled:
        return True
    _log_switched_off(name)
    return False


@cache
def _log_switched_off(name: str) -> None:
    log.warning("marketplace %s is switched off in its spec (enabled=False) and left out", name)


def sandbox_ports(first_port: int, among: tuple[str, ...]) -> dict[str, int]:
    """Each enabled marketplace of ``among`` → ``first_port`` plus its place in ``among``, so switching one
    off moves no other's port."""
    return {name: first_port + offset for offset, name in enumerate(among) if enabled(name)}


def spec(name: str) -> MarketplaceSpec:
    """The spec exported as ``SPEC`` by ``adapters.<name>``, or built from a found floor's profile."""
    if name in MARKETPLACES:
        return importlib.import_module(f"adapters.{name}").SPEC
    if name in (found := floor_profiles()):
        from adapters.partner.floor import floor_spec

        return floor_spec(found[name], adapter="adapters.partner.client:PartnerAdapter",
                          sandbox="adapters.partner.sandbox:PartnerSandbox")
    raise KeyError(f"unknown marketplace {name!r}; known: {', '.join(names())}")


def is_floor(name: str) -> bool:
    """Whether the marketplace is a trade floor described by a profile: only a floor takes spreadsheet feeds."""
    spec(name)
    return name in floor_profiles() or hasattr(importlib.import_module(f"adapters.{name}"), "PROFILE")


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


def feed_shop(name: str, account_id: int, folder: Path) -> Any:
    """The adapter of a shop on floor ``name`` without API access: its workbooks under ``folder``."""
    from adapters.partner.feed_shop import FeedShop

    return FeedShop(floor_profile(name), account_id, folder)


def sandbox_class(name: str) -> Any:
    """The class of the marketplace's local stand-in."""
    if name in MARKETPLACES:
        return load(spec(name).sandbox)
    from adapters.partner.sandbox import PartnerSandbox

    return PartnerSandbox.for_floor(floor_profile(name), f"{name}_sandbox")


def page_module(name: str) -> str:
    """The module that knows the marketplace's public pages: ``PATHS`` (their addresses) and
    ``parse_product_page``."""
    if name in MARKETPLACES:
        return f"adapters.{name}.page"
    return floor_profile(name).page_module


def load(path: str) -> Any:
    """``module:attribute`` to the object."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)

