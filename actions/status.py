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
