"""Benchmarks run by ``make bench``. Each ``bench_*.py`` module has ``run(report)``."""
