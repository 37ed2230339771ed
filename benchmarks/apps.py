from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark harness: installed only when DEBUG is on, never in production."""

    name = "benchmarks"
    verbose_name = "Benchmarks (development only)"
