"""The Celery application: background jobs (reports/tasks.py), configured from settings.

Run a worker with `celery -A config worker --loglevel=INFO` (README, Deploying).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
