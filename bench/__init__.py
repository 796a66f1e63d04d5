"""Benchmarks and the fault soak: figures printed by commands anyone can run (``python -m bench.…``)."""
