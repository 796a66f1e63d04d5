"""Messages of traceability: lots (ids lots_…), looked up through ``catalog/i18n.py``."""

LOTS_MESSAGES: dict[str, dict[str, str]] = {
}
