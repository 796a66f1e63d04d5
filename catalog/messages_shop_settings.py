"""Messages of a shop's price rule and stock policy forms (ids ui.settings_… and settings_…), looked up through ``catalog/i18n.py``."""

SHOP_SETTINGS_MESSAGES: dict[str, dict[str, str]] = {
}
