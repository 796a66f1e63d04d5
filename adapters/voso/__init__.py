"""Voso.vn: a partner floor, served by adapters/partner from this folder's profile.toml (README.md)."""

from pathlib import Path

from adapters.partner.floor import floor_spec
from adapters.partner.profile import load_profile

PROFILE = load_profile(Path(__file__).with_name("profile.toml"))
SPEC = floor_spec(
    PROFILE, adapter="adapters.voso.client:VosoAdapter", sandbox="adapters.voso.sandbox:VosoSandbox"
)
