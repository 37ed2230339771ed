from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "The action plan"

    def ready(self):
        from . import signals

        signals.connect()
