"""Back-dating: demo records are made through the product's own services, today, and then
moved to the day the story says they happened, every timestamp with them (created, submitted,
reviewed, opened and closed at, and each history row), so the timelines, rounds, history and
"what changed" read as a year of use.

Written by hand: libraries that fake the clock (freezegun, time-machine) patch it for the whole
process, which a command that also renders PDFs and sends nothing should not rely on, and they
would be a runtime dependency for a development-only command.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


def _project_apps():
    """The project's own apps (their folders beside manage.py), with their history models."""
    base = Path(settings.BASE_DIR).resolve()
    return [config for config in apps.get_app_configs() if Path(config.path).parent == base]


def _timestamp_fields():
    for config in _project_apps():
        for model in config.get_models():
            names = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.DateTimeField)
            ]
            if names:
                yield model, names


def shift_since(start: datetime.datetime, moment: datetime.datetime) -> None:
    """Every timestamp at or after `start` (made by the step just run) becomes `moment`."""
    for model, names in _timestamp_fields():
        rows = model._base_manager.all()
        for name in names:
            rows.filter(**{f"{name}__gte": start}).update(**{name: moment})


@contextmanager
def happened_on(moment: datetime.datetime):
    """Run a step as one transaction and date what it made `moment`. Work the step left for
    after the commit (a report's PDF) runs once the dates are moved."""
    start = timezone.now()
    with transaction.atomic():
        yield
        shift_since(start, moment)
