from adapters.partner.client import PartnerAdapter
from adapters.thainguyentrade import PROFILE

ThainguyentradeAdapter = PartnerAdapter.for_floor(PROFILE, "ThainguyentradeAdapter")
