"""The upload form: one spreadsheet, read and checked by imports/services.py on submission."""

from django import forms

from govuk.forms import GdsFormMixin

from . import reading


class UploadForm(GdsFormMixin, forms.Form):
    submit_label = "Upload and preview"

    file = forms.FileField(
        label="Spreadsheet",
        error_messages={
            "required": "Select a spreadsheet to upload",
            "empty": reading.EMPTY,
            "invalid": "Select a spreadsheet to upload",
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv", "class": "govuk-file-upload"}
        ),
    )

    def __init__(self, *args, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = hint or (
            f"An Excel workbook (.xlsx) or a CSV file, smaller than "
            f"{reading.size_text(reading.max_bytes())} and of {reading.max_rows():,} rows or fewer"
        )

    def mark_error(self, message: str) -> None:
        """A refusal from reading the file, shown by the field like any other error."""
        self.add_error("file", message)
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button confirms the preview on the page."""
