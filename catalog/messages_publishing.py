"""Messages of explicit publishing (ids publish_… and ui.publish_…), looked up through ``catalog/i18n.py``."""

PUBLISHING_MESSAGES: dict[str, dict[str, str]] = {
}
