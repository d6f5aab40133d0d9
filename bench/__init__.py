"""Benchmark commands: each prints one ``name=value unit target=... ok=yes|no`` line per figure.

See docs/performance.md for the method and the latest figures, and bench/Makefile for how to run them.
"""
