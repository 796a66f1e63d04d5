"""Messages of traceability: trace (ids trace_…), looked up through ``catalog/i18n.py``."""

TRACE_MESSAGES: dict[str, dict[str, str]] = {
}
