"""Benchmarks of the Atlas build (``make bench``): each compares against the stock route."""
