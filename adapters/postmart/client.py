from adapters.partner.client import PartnerAdapter
from adapters.postmart import PROFILE

PostmartAdapter = PartnerAdapter.for_floor(PROFILE, "PostmartAdapter")
