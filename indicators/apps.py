from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators with targets"

    def ready(self):
        from . import standing

        standing.connect()
