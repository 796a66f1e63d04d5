"""Messages of connecting shops from the app (ids ui.connect_… and connect_…), looked up through ``catalog/i18n.py``."""

CONNECT_MESSAGES: dict[str, dict[str, str]] = {
}
