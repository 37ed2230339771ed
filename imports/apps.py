from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Spreadsheet imports"

    def ready(self):
        from strategy import jobs

        from . import services

        jobs.register_requeue("imports", services.requeue)
