from adapters.partner.sandbox import PartnerSandbox
from adapters.thainguyentrade import PROFILE

ThainguyentradeSandbox = PartnerSandbox.for_floor(PROFILE, "ThainguyentradeSandbox")
