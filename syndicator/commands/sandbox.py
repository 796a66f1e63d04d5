"""``syndicator sandbox serve``: every marketplace sandbox in use, one port each, in DESIGN order."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from syndicator.processes import stop_signals


def register(app: typer.Typer) -> None:
    sandbox = typer.Typer(help="Sàn thử nghiệm cục bộ. Local marketplace sandboxes.", no_args_is_help=True)
    app.add_typer(sandbox, name="sandbox")

    @sandbox.command("serve")
    def serve(
        host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="first port; the others follow")] = 8701,
    ) -> None:
        """Chạy các sàn thử nghiệm đến khi dừng. Serve the sandboxes until stopped (Ctrl+C or SIGTERM)."""
        from adapters import registry
        from adapters.common.sandbox import SandboxServer

        stop = threading.Event()
        servers = []
        with stop_signals(lambda _signum: stop.set()):
            try:
                for name, sandbox_port in registry.sandbox_ports(port, registry.registered()).items():
                    server = SandboxServer(registry.sandbox_class(name)(), host=host, port=sandbox_port).start()
                    servers.append(server)
                    print(f"{name:<16} {server.base_url}", flush=True)
                stop.wait()
            finally:
                for server in servers:
                    server.stop()
