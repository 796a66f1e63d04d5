from adapters.partner.sandbox import PartnerSandbox
from adapters.voso import PROFILE

VosoSandbox = PartnerSandbox.for_floor(PROFILE, "VosoSandbox")
