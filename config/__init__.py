# Load the Celery application with Django, so that tasks find it (config/celery.py).
from .celery import app as celery_app

__all__ = ("celery_app",)
