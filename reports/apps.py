from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Dashboard, Cabinet reports and exports"

    def ready(self):
        from strategy import jobs

        from . import downloads, freshness, rollups, services

        freshness.connect()
        rollups.connect()
        jobs.register_requeue("downloads", downloads.requeue)
        jobs.register_requeue("Cabinet report PDFs", services.requeue_pdfs)
