from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """`manage.py backup` and `manage.py restore` (issue 16): the database and every stored
    file in one dated archive, and back again into an empty database and storage."""

    name = "backups"
    verbose_name = "Backups"
