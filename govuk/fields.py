"""Form fields shared by the product's forms."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

DATE_PARTS = ("day", "month", "year")
ERROR_CLASS = "govuk-input--error"

# Dates outside these are typing mistakes (0001-01-01, 9999-12-31), never a plan's dates.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class GovukDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) whose errors name the date in plain English.

    `what` completes the messages: "Enter {what}", "{What} must include a month",
    "{What} must be a real date". Each error is tied to the first part that has
    it, so the error summary links to that box, and the boxes in error are
    outlined in red.
    """

    widget = DateInputWidget

    def __init__(
        self,
        *,
        what: str,
        earliest: datetime.date = EARLIEST,
        latest: datetime.date = LATEST,
        **kwargs,
    ):
        self.what = what
        self.earliest, self.latest = earliest, latest
        fields = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def clean(self, value) -> datetime.date | None:
        self._clear_marks()
        parts = [str(part).strip() if part is not None else "" for part in (value or [])]
        parts = [*parts, "", "", ""][:3]
        if not any(parts):
            if self.required:
                raise self.error(f"Enter {self.what}", [0, 1, 2], code="required")
            return None
        missing = [i for i, part in enumerate(parts) if not part]
        if missing:
            names = " and ".join(f"a {DATE_PARTS[i]}" for i in missing)
            raise self.error(f"{self._subject} must include {names}", missing, code="incomplete")
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise self.error(f"{self._subject} must be a real date", [0, 1, 2], code="invalid")
        if len(parts[2]) != 4:
            raise self.error(
                f"{self._subject} must have a year with 4 numbers", [2], code="invalid"
            )
        day, month, year = (int(part) for part in parts)
        try:
            date = datetime.date(year, month, day)
        except (ValueError, OverflowError):  # 31 2 2026; a day of 99999999999999999999
            raise self.error(
                f"{self._subject} must be a real date", [0, 1, 2], code="invalid"
            ) from None
        if not self.earliest <= date <= self.latest:
            raise self.error(
                f"{self._subject} must be between {self.earliest:%-d %B %Y} and "
                f"{self.latest:%-d %B %Y}",
                [2],
                code="out_of_range",
            )
        return date

    def compress(self, data_list):  # clean() above builds the date itself
        raise NotImplementedError

    def error(self, message: str, part_indexes: Sequence[int], code: str) -> ValidationError:
        """Mark the given parts as in error and return the error to raise."""
        self.mark(message, part_indexes)
        return ValidationError(message, code=code)

    def mark(self, message: str, part_indexes: Sequence[int] = (0, 1, 2)) -> None:
        """Tie `message` to the first of the parts (for the error summary's link), outline them.

        The form calls this too, for errors found when comparing dates.
        """
        first, *others = part_indexes
        self.fields[first].widget.errors = [message]
        # crispy-forms-gds outlines the part holding the error; this outlines the others.
        for i in others:
            attrs = self.widget.widgets[i].attrs
            if ERROR_CLASS not in attrs["class"]:
                attrs["class"] += f" {ERROR_CLASS}"

    def _clear_marks(self) -> None:
        for i, field in enumerate(self.fields):
            field.widget.errors = []
            attrs = self.widget.widgets[i].attrs
            attrs["class"] = attrs["class"].replace(f" {ERROR_CLASS}", "")

    @property
    def _subject(self) -> str:
        """`what`, capitalised to begin a sentence."""
        return self.what[:1].upper() + self.what[1:]
