from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' own commands (``seed_bench``); no models."""

    name = "bench"
    verbose_name = "Benchmarks"
