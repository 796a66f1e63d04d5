"""Messages of traceability: labels (ids labels_…), looked up through ``catalog/i18n.py``."""

LABELS_MESSAGES: dict[str, dict[str, str]] = {
}
