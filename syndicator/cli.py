"""The ``syndicator`` command line. Each group of commands lives in ``syndicator/commands/``."""

from __future__ import annotations

import importlib
import pkgutil

import typer

import syndicator.commands

app = typer.Typer(
    help="syndicator: đăng sản phẩm của HTX một lần, đồng bộ lên năm sàn. "
    "List a co-op's products once; keep them live on five marketplaces.",
    no_args_is_help=True,
    add_completion=False,
)



@app.callback()
def main() -> None:
    """syndicator."""


for module_info in sorted(pkgutil.iter_modules(syndicator.commands.__path__), key=lambda m: m.name):
    module = importlib.import_module(f"syndicator.commands.{module_info.name}")
    module.register(app)


if __name__ == "__main__":
    app()
