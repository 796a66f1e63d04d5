"""Messages of login sessions (ids ui.session_… and session_…), looked up through ``catalog/i18n.py``."""

SESSIONS_MESSAGES: dict[str, dict[str, str]] = {
}
