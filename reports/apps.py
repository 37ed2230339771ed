from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Dashboard, Cabinet reports and exports"

    def ready(self):
        from . import freshness, rollups

        freshness.connect()
        rollups.connect()
