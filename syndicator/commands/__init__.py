"""Command groups. Each module defines ``register(app: typer.Typer)``."""
