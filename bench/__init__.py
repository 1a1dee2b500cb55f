"""Benchmarks: `python -m bench` (make bench). Shared helpers live in bench.common."""
