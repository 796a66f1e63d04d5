"""Driving the Streamlit app in-process with AppTest, logged in as a given user."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.ui import PASSWORD

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def logged_in(username: str, lang: str = "vi") -> AppTest:
    """The app after logging in through its own form (SYNDICATOR_DATABASE_URL must point at the data)."""
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.session_state["lang"] = lang
    app.run()
    app.text_input(key="login_username").input(username)
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click()
    app.run()
    return app


def open_page(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"views/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown_text(app: AppTest) -> str:
    """Everything the page shows as text: markdown, captions, alerts, metrics and table cells."""
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "error", "warning", "header",
                                  "subheader", "title") for e in getattr(app, kind)]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    for frame in app.dataframe:
        parts.append(frame.value.to_csv(index=False))
    return "\n".join(str(p) for p in parts)
