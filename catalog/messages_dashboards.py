"""Messages of officers' dashboards (ids ui.dash_… and dash_…), looked up through ``catalog/i18n.py``."""

DASHBOARDS_MESSAGES: dict[str, dict[str, str]] = {
}
