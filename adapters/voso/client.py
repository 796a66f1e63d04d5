from adapters.partner.client import PartnerAdapter
from adapters.voso import PROFILE

VosoAdapter = PartnerAdapter.for_floor(PROFILE, "VosoAdapter")
