"""Every place a person is referred to, found from the app registry rather than a hand list.

Any model with a ForeignKey, OneToOneField or ManyToManyField to settings.AUTH_USER_MODEL is
found here, django-simple-history's historical models included, so a model added by a later
app is exported and handled by an erasure the moment it is installed. What an erasure does with
each reference is `POLICY` below: `KEEP` (the record stays, pointing at the account, which
loses its name and email, so it is credited to the person's organisation), `DELETE` (a
personal log or credential, deleted with the person's details) or `CLEAR` (a many-to-many
link, removed). A historical model's references are kept as history without a line here.

tests/test_privacy.py fails when a model refers to a person and has no line in `POLICY` (nor
is historical), so whoever adds one decides what an erasure does with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

KEEP, DELETE, CLEAR = "keep", "delete", "clear"

#: "app_label.Model.field": (what an erasure does, why).
POLICY: dict[str, tuple[str, str]] = {
    # The plan's records a person wrote, reviewed or decided: kept, credited to their
    # organisation once their name is gone (public task: the plan's record must stay whole).
    "strategy.Strategy.published_by": (KEEP, "who published a strategy: the plan's record"),
    "actions.CouncilAction.lead_officer": (KEEP, "the lead officer of a proposal"),
    "actions.CouncilAction.decided_by": (KEEP, "who recorded a decision"),
    "actions.CouncilAction.added_by": (KEEP, "who added a proposal"),
    "actions.ProgressUpdate.author": (KEEP, "the Forum's progress: credited to the organisation"),
    "actions.ProgressUpdate.reviewed_by": (KEEP, "who reviewed an update"),
    "actions.CouncilInput.author": (KEEP, "the council's input: credited to the unit"),
    "actions.CouncilInput.reviewed_by": (KEEP, "who reviewed council input"),
    "actions.Milestone.done_by": (KEEP, "who marked a milestone done"),
    "actions.Milestone.added_by": (KEEP, "who added a milestone"),
    "evidence.EvidenceFile.uploaded_by": (KEEP, "evidence on an update: part of its record"),
    "monitoring.MonitoringRound.opened_by": (KEEP, "who opened a monitoring round"),
    "monitoring.MonitoringRound.closed_by": (KEEP, "who closed a monitoring round"),
    "discussion.Comment.author": (KEEP, "a comment: credited to the organisation"),
    "discussion.Comment.hidden_by": (KEEP, "who hid a comment"),
    "indicators.Indicator.created_by": (KEEP, "who defined an indicator"),
    "indicators.IndicatorValue.author": (KEEP, "a measured value: credited to the organisation"),
    "indicators.IndicatorValue.reviewed_by": (KEEP, "who reviewed a value"),
    "reports.CabinetReport.created_by": (KEEP, "who generated a report for Cabinet"),
    "publication.PublicationEvent.by": (KEEP, "who published or unpublished a strategy"),
    "imports.ImportRecord.uploaded_by": (KEEP, "who imported a spreadsheet: the plan's record"),
    "admin.LogEntry.user": (KEEP, "changes made in the admin: the plan's record"),
    "privacy.Erasure.erased_by": (KEEP, "the administrator who erased someone"),
    "duties.EqualityAssessment.updated_by": (KEEP, "who recorded an equality impact assessment"),
    "duties.SocialValue.updated_by": (KEEP, "who recorded the social value considerations"),
    "risks.Risk.created_by": (KEEP, "who added a risk to the register"),
    "risks.RiskReview.reviewed_by": (KEEP, "who reviewed a risk: the register's record"),
    # Personal logs and credentials: nothing of the plan, deleted with the person's details.
    "monitoring.ReminderLog.recipient": (DELETE, "reminder emails sent to the person"),
    "discussion.DigestLog.recipient": (DELETE, "discussion digests sent to the person"),
    "reports.Download.requested_by": (DELETE, "files made for the person, kept 7 days anyway"),
    "knox.AuthToken.user": (DELETE, "the person's API tokens: they stop at once"),
}

#: Fields never exported: secrets, or a stand-in for one.
SECRET_FIELDS = {"password", "digest", "salt", "session_key", "session_data"}


@dataclass(frozen=True)
class Reference:
    """One field by which a model refers to a person."""

    model: type[models.Model]
    field: models.Field

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def is_many(self) -> bool:
        return self.field.many_to_many

    @property
    def is_history(self) -> bool:
        return is_historical(self.model)

    @property
    def policy(self) -> str:
        """What an erasure does: its line in POLICY; a historical row is kept; anything else
        (a model added since, not yet decided) is kept, which loses nothing."""
        if self.key in POLICY:
            return POLICY[self.key][0]
        return KEEP

    def rows(self, user):
        """The rows that refer to `user` by this field (every row, whatever a default
        manager leaves out)."""
        return self.model._base_manager.filter(**{self.field.name: user})


def is_historical(model) -> bool:
    """django-simple-history's copy of a model (it has history_id, history_type and so on)."""
    names = {f.name for f in model._meta.concrete_fields}
    return {"history_id", "history_date", "history_type"} <= names


def user_references() -> list[Reference]:
    """Every field of every installed model that refers to a person, in a stable order."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            concrete = getattr(field, "concrete", False) or field.many_to_many
            if (
                field.is_relation
                and concrete
                and not field.auto_created
                and field.related_model is user_model
            ):
                found.append(Reference(model, field))
    return sorted(found, key=lambda r: r.key)


def undecided() -> list[str]:
    """References that are neither historical nor in POLICY (tests/test_privacy.py)."""
    return [r.key for r in user_references() if not r.is_history and r.key not in POLICY]


def historical_user_model():
    """The User model's historical copy, if the project records its history."""
    user_model = get_user_model()
    history = getattr(user_model, "history", None)
    return getattr(history, "model", None) if history is not None else None
