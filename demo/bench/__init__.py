"""Benchmarks that print figures (``manage.py bench``): performance targets live here, not in timed tests."""
