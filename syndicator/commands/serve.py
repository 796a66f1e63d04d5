"""``syndicator serve``: the web service (trace pages ``/t/…``, ``/healthz`` and the marketplaces' pushes
``/push/…``) on uvicorn, with the stock fan-out beside it."""

from __future__ import annotations

import copy
import sys
from typing import Annotated

import typer

from syndicator.commands.database import open_database


def serve_command(port: int, host: str) -> list[str]:
    """The command line that runs ``syndicator serve`` on ``host``:``port`` (the demo starts it as a child)."""
    return [sys.executable, "-m", "syndicator", "serve", "--host", host, "--port", str(port)]


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option("--host", help="địa chỉ lắng nghe / address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="cổng / port")] = 8600,
    ) -> None:
        """Chạy dịch vụ web: trang truy xuất /t/…, /healthz và thông báo đẩy từ sàn /push/…, đẩy tồn kho mới
        sang các sàn khác ngay khi có đơn, đến khi dừng (Ctrl+C hoặc SIGTERM).
        Serve the trace pages, /healthz and the marketplaces' pushes /push/…, pushing new stock to the other
        marketplaces as orders come, until stopped (Ctrl+C or SIGTERM); logs go to stderr."""
        import uvicorn
        from uvicorn.config import LOGGING_CONFIG

        from catalog.settings import settings
        from syndicator.fanout import FanOut
        from syndicator.push import register_pushes
        from syndicator.serve import make_app
        from syndicator.tasks import defer_inbox, uses_queue

        engine = open_database()
        for line in register_pushes(engine, settings().public_url):
            print(line, flush=True)

        logging = copy.deepcopy(LOGGING_CONFIG)
        logging["handlers"]["access"]["stream"] = "ext://sys.stderr"  # uvicorn logs requests to stdout otherwise
        # a request's line and status only: a shopper's address is personal data, kept nowhere, logs included
        logging["formatters"]["access"]["fmt"] = '%(levelprefix)s "%(request_line)s" %(status_code)s'
        # on PostgreSQL the job queue works the pushes (syndicator/tasks.py); on SQLite the fan-out's thread does
        fanout = FanOut(engine, hand_over=defer_inbox if uses_queue(engine) else None)
        uvicorn.run(make_app(engine, fanout), host=host, port=port, log_level="info", log_config=logging)
