"""Production settings (DEBUG off) for tests/test_outage_postgres.py's gunicorn, but with
static files found where they are rather than in a collected manifest (collecting them would
take longer than the test)."""

from config.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
