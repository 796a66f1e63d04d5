"""thainguyentrade.vn: a partner floor, served by adapters/partner from this folder's profile.json (README.md)."""

from pathlib import Path

from adapters.partner.floor import floor_spec
from adapters.partner.profile import load_profile

PROFILE = load_profile(Path(__file__).with_name("profile.json"))
SPEC = floor_spec(
    PROFILE,
    adapter="adapters.thainguyentrade.client:ThainguyentradeAdapter",
    sandbox="adapters.thainguyentrade.sandbox:ThainguyentradeSandbox",
)
