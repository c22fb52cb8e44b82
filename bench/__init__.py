"""Benchmark scripts; see bench/README.md for the latest tables."""
