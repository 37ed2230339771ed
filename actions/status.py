"""The one status vocabulary of the whole product, with its RAG colours.

A status is always shown with its word; the colour only reinforces it.
"""

from django.db import models


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def rag(self):
        """The RAG colour's name: grey, green, amber, red or blue."""
        return RAG[self]

    @property
    def tag_class(self):
        """The GOV.UK Frontend tag modifier that shows this status's colour."""
        return TAG_CLASSES[RAG[self]]


RAG = {
    Status.NOT_STARTED: "grey",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "amber",
    Status.OFF_TRACK: "red",
    Status.COMPLETED: "blue",
    Status.WITHDRAWN: "grey",
}

# GOV.UK Frontend has no "amber" tag; orange is its nearest colour.
TAG_CLASSES = {
    "grey": "govuk-tag--grey",
    "green": "govuk-tag--green",
    "amber": "govuk-tag--orange",
    "red": "govuk-tag--red",
    "blue": "govuk-tag--blue",
}


# --- Groups of statuses: each rule written once ------------------------------------

# Closed: the action needs no more updates and cannot be overdue.
CLOSED = (Status.COMPLETED, Status.WITHDRAWN)
# Worrying: what the dashboard and the Cabinet report list first.
WORRYING = (Status.OFF_TRACK, Status.AT_RISK)

# Worst first: which of several statuses speaks for them all (withdrawn is left out).
SEVERITY = [Status.OFF_TRACK, Status.AT_RISK, Status.NOT_STARTED, Status.ON_TRACK, Status.COMPLETED]
# The RAG scale two views are compared on (not started and withdrawn are off the scale).
RAG_STEP = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.COMPLETED: 3}


def severity_rank(field: str = "status") -> models.Case:
    """A database expression: the position of `field`'s status in SEVERITY (0 is worst)."""
    return models.Case(
        *(models.When(**{field: status}, then=i) for i, status in enumerate(SEVERITY)),
        output_field=models.IntegerField(),
    )


def percent_problem(status: str, percent: int | None) -> str:
    """Why a status and a percent complete cannot both be right, or "" when they can."""
    if percent is None:
        return ""
    if status == Status.COMPLETED and percent != 100:
        return "An action that is completed is 100% complete: change the status or the percent"
    if status == Status.NOT_STARTED and percent != 0:
        return "An action that has not started is 0% complete: change the status or the percent"
    return ""
