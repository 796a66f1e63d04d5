"""``syndicator sandbox serve``: every landed marketplace sandbox, one port each, in DESIGN order."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from adapters import registry
from adapters.common.sandbox import SandboxServer


def register(app: typer.Typer) -> None:
    sandbox = typer.Typer(help="Sàn thử nghiệm cục bộ. Local marketplace sandboxes.", no_args_is_help=True)
    app.add_typer(sandbox, name="sandbox")

    @sandbox.command("serve")
    def serve(
        host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="first port; the others follow")] = 8701,
    ) -> None:
        """Chạy các sàn thử nghiệm đến khi dừng. Serve the sandboxes until stopped (Ctrl+C)."""
        servers = []
        for offset, name in enumerate(registry.names()):
            try:
                sandbox_class = registry.sandbox_class(name)
            except (ImportError, AttributeError, KeyError):
                print(f"{name:<16} chưa có / not available", flush=True)
                continue
            server = SandboxServer(sandbox_class(), host=host, port=port + offset).start()
            servers.append(server)
            print(f"{name:<16} {server.base_url}", flush=True)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        stop.wait()
        for server in servers:
            server.stop()
