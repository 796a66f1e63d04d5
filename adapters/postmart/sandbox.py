from adapters.partner.sandbox import PartnerSandbox
from adapters.postmart import PROFILE

PostmartSandbox = PartnerSandbox.for_floor(PROFILE, "PostmartSandbox")
