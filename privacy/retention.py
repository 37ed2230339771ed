"""Personal logs deleted once they are older than the periods in settings (UK GDPR article
5(1)(e), storage limitation). `manage.py apply_retention` runs `apply()` daily.

Each rule names what it deletes; `apply()` returns how many of each it deleted, so running it
twice in a row deletes nothing the second time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from reports import downloads


@dataclass(frozen=True)
class Period:
    """A kind of personal record and how long it is kept (what the privacy notice lists)."""

    what: str
    days: int


def periods() -> list[Period]:
    """How long each kind of personal record is kept, read from settings each time."""
    return [
        Period("Sign-in records and failed sign-in attempts", settings.RETENTION_SIGN_IN_DAYS),
        Period(
            "Records of reminder and discussion emails sent to you",
            settings.RETENTION_REMINDER_LOG_DAYS,
        ),
        Period(
            "Spreadsheets uploaded for import, and the rows read from them",
            settings.RETENTION_IMPORT_DAYS,
        ),
        Period("Files made for you to download (exports, report PDFs)", downloads.KEEP_DAYS),
        Period("Requests for a password reset link", 1),
    ]


def _cutoff(now: datetime.datetime, days: int) -> datetime.datetime:
    return now - datetime.timedelta(days=days)


def _deleted(queryset) -> int:
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


@transaction.atomic
def apply(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete what has been kept longer than its period; {what: how many} for each rule."""
    now = now or timezone.now()
    done: dict[str, int] = {}

    sign_ins = _cutoff(now, settings.RETENTION_SIGN_IN_DAYS)
    if apps.is_installed("axes"):
        for name in ("AccessLog", "AccessAttempt", "AccessFailureLog"):
            model = apps.get_model("axes", name)
            done[f"sign-in records ({name})"] = _deleted(
                model.objects.filter(attempt_time__lt=sign_ins)
            )

    logs = _cutoff(now, settings.RETENTION_REMINDER_LOG_DAYS)
    ReminderLog = apps.get_model("monitoring", "ReminderLog")
    DigestLog = apps.get_model("discussion", "DigestLog")
    done["reminder emails logged"] = _deleted(ReminderLog.objects.filter(sent_at__lt=logs))
    done["discussion digests logged"] = _deleted(DigestLog.objects.filter(sent_at__lt=logs))

    PasswordResetRequest = apps.get_model("accounts", "PasswordResetRequest")
    done["password reset requests"] = _deleted(
        PasswordResetRequest.objects.filter(requested_at__lt=_cutoff(now, 1))
    )

    done["sessions ended"] = _deleted(Session.objects.filter(expire_date__lt=now))

    if apps.is_installed("knox"):
        AuthToken = apps.get_model("knox", "AuthToken")
        done["API tokens expired"] = _deleted(AuthToken.objects.filter(expiry__lt=now))

    done["downloads"] = downloads.prune(now)

    # An import is the plan's record (who, when, the file's name and fingerprint, what it
    # changed) and is kept; the file and the rows read from it (which may hold what people
    # typed) go after RETENTION_IMPORT_DAYS.
    ImportRecord = apps.get_model("imports", "ImportRecord")
    old_imports = ImportRecord.objects.filter(
        uploaded_at__lt=_cutoff(now, settings.RETENTION_IMPORT_DAYS)
    ).exclude(file="", data={})
    count = 0
    for record in old_imports.only("pk", "file"):
        if record.file:
            name, storage = record.file.name, record.file.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        count += 1
    old_imports.update(file="", data={})
    done["imported spreadsheets and their rows"] = count
    return done
