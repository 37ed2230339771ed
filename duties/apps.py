from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = "The council’s duties: equality and social value"

    def ready(self):
        # A decision to accept asks for these first (actions/services.py, which sits below).
        from actions.services import DECISION_CHECKS

        from .services import equality_check, social_value_check

        for check in (equality_check, social_value_check):
            if check not in DECISION_CHECKS:
                DECISION_CHECKS.append(check)
