"""The "Evidence files" field that progress forms carry (Django's multiple-file pattern)."""

from django import forms
from django.core.exceptions import ValidationError

from . import validation


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files at once, each checked by evidence.validation; cleans to a list of
    validation.Checked. `already` is how many the record carries before these."""

    def __init__(self, *, already: int = 0, **kwargs):
        self.already = already
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": validation.ACCEPT, "class": "govuk-file-upload"}),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Evidence files (optional)")
        kwargs.setdefault(
            "help_text",
            f"PDF, Word, Excel, PowerPoint or image (PNG, JPEG, GIF or WebP) files, each "
            f"smaller than {validation.size_text(validation.max_bytes())}, up to "
            f"{validation.max_files()} in all. If the page comes back with a problem to put "
            "right, choose the files again.",
        )
        kwargs.setdefault("error_messages", {"empty": validation.EMPTY})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        try:
            return self._checked(data, initial)
        except ValidationError:
            # The field is copied for each form, so this marks only this form's box.
            self.widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"
            raise

    def _checked(self, data, initial):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(uploads) + self.already > validation.max_files():
            raise ValidationError(validation.too_many_message(self.already), code="too_many")
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(validation.check_upload(super().clean(upload, initial)))
            except ValidationError as error:
                name = validation.shown_name(getattr(upload, "name", "") or "")
                errors += [
                    f"{message} ({name})" if len(uploads) > 1 else message
                    for message in error.messages
                ]
        if errors:
            raise ValidationError(errors)
        return checked
