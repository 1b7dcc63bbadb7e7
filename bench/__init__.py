"""Benchmarks: ``make bench`` (``python -m bench``). Each result is a ratio against a bare
baseline measured in the same run on the same data, never an absolute time."""
