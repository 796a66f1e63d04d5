"""Messages of login sessions (ids ui.session_… and session_…), looked up through ``catalog/i18n.py``."""

SESSIONS_MESSAGES: dict[str, dict[str, str]] = {
    "ui.session_over": {
        "vi": "Phiên làm việc đã kết thúc (đã đăng xuất ở nơi khác hoặc quá 12 giờ); hãy đăng nhập lại.",
        "en": "Your session has ended (logged out elsewhere, or over 12 hours old); log in again.",
    },
}
