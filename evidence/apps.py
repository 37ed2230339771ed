from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence files"

    def ready(self):
        from . import signals

        signals.connect()
