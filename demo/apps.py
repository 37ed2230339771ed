from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`manage.py load_demo`: made-up demonstration progress on top of the Cabinet report,
    for trying the service (development only)."""

    name = "demo"
    verbose_name = "Demo progress"
