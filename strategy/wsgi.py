"""WSGI entry point, for gunicorn: ``gunicorn strategy.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy.settings")

application = get_wsgi_application()
