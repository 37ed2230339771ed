"""Forms for reporting progress and deciding on proposals, in the GOV.UK style."""

import datetime

from crispy_forms.layout import HTML
from crispy_forms_gds.layout import Button, Div, Field, Fixed, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.models import Partner, User
from accounts.roles import Role
from evidence.forms import EvidenceFilesField
from govuk.fields import EARLIEST, GovukDateField
from govuk.forms import gds_helper, no_silent_cuts

from . import services
from .models import CouncilInput, Decision, ProgressUpdate
from .status import Status

PAST_TARGET = "The new target date must be today or in the future"
# The name of the button that keeps a progress record as a draft instead of submitting it.
SAVE_DRAFT = "save_draft"
# A target date further ahead than this is asked about (a strategy's plan runs three years).
FAR_AHEAD = datetime.timedelta(days=5 * 365)

RECORD_LABELS = {
    "evidence_url": "Link to evidence (optional)",
    "revision_reason": "Why the target date has changed",
}
RECORD_HELP = {
    "evidence_url": "A web address, starting with https://, for example a report or a web page.",
    "revision_reason": "Needed if you give a new target date.",
}
RECORD_ERRORS = {
    "evidence_url": {
        "invalid": "Enter a web address that starts with http:// or https://",
        "max_length": "The link must be 500 characters or fewer",
    },
    "revision_reason": {"max_length": "The reason must be 1,000 characters or fewer"},
}


class HttpsURLField(forms.URLField):
    """A link typed without a scheme, like example.org, means https://example.org."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class MilestoneChoiceField(forms.ModelMultipleChoiceField):
    """An action's open milestones as checkboxes; anything but their ids is "choose from the
    list" (a number too large for the database included, which Django would pass on)."""

    CHOOSE = "Choose milestones from the list"

    def __init__(self, **kwargs):
        kwargs["error_messages"] = {"invalid_choice": self.CHOOSE, "invalid_pk_value": self.CHOOSE}
        super().__init__(**kwargs)

    def _check_values(self, value):
        for pk in value:
            pk = str(pk)
            if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):
                raise forms.ValidationError(self.CHOOSE, code="invalid_choice")
        return super()._check_values(value)


class ProgressRecordForm(forms.ModelForm):
    """What every progress report asks; subclasses add their own words in `text_fields`.

    The hidden version detects a stale edit.
    """

    text_fields: tuple = ()
    submit_label = "Save"
    noun = "update"  # what the record is called, in the milestones' hint

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status"},
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        help_text="A whole number from 0 to 100.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        min_value=0,
        max_value=100,
        error_messages={
            "required": "Enter how complete the action is, from 0 to 100",
            "invalid": "Percent complete must be a whole number, like 40",
            "min_value": "Percent complete must be 0 or more",
            "max_value": "Percent complete must be 100 or less",
        },
    )
    revised_target_date = GovukDateField(
        what="the new target date",
        label="New target date (optional)",
        help_text=(
            "Only if the action will finish later or earlier than planned. For example, 31 3 2027."
        ),
        required=False,
    )

    confirm = forms.BooleanField(
        label="Yes, these answers are right",
        required=False,
        help_text="Tick the box to save them as they are, or change them.",
    )

    def __init__(self, *args, subject=None, reviewed=False, correcting=None, **kwargs):
        """`subject` is the action as it stands, to tell an unusual answer from a usual one;
        `reviewed`: whether its strategy reviews updates before they count; `correcting`: the
        approved record (in a closed round) this one corrects, which asks why."""
        super().__init__(*args, **kwargs)
        self.subject = subject
        if correcting is not None:
            self.fields["correction_reason"] = forms.CharField(
                label="Why it needs correcting",
                help_text="Say what was wrong in the update, for the history and the next report.",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=1000,
                error_messages={
                    "required": "Say why the update needs correcting",
                    "max_length": "The reason must be 1,000 characters or fewer",
                },
            )
        self.fields["evidence_url"].widget = forms.TextInput(attrs={"spellcheck": "false"})
        # Evidence files (issue 13): counted with those the draft being carried on with has.
        already = self.instance.evidence_files.count() if self.instance.pk else 0
        self.fields["evidence_files"] = EvidenceFilesField(already=already)
        milestones = self._add_milestones_done()  # --- milestones (issue 13)
        no_silent_cuts(self)
        self.submit = Div(
            Button("submit", "Submit for review" if reviewed else self.submit_label),
            Button.secondary(SAVE_DRAFT, "Save as draft"),
            css_class="govuk-button-group",
        )
        correction = (
            [Field.textarea("correction_reason", label_size=Size.MEDIUM, max_characters=1000)]
            if correcting is not None
            else []
        )
        percent = (
            self._percent_from_milestones()
            if self.from_milestones
            else Field(
                "percent_complete",
                css_class=Fixed.for_input(Fixed.THREE),
                context={"label_size": Size.for_label(Size.MEDIUM), "suffix": "%"},
                template="govuk/suffix_input.html",
            )
        )
        self.helper = gds_helper(
            "version",
            *correction,
            Field.radios("status", legend_size=Size.MEDIUM),
            percent,
            *milestones,
            *self.text_fields,
            Field.text("evidence_url", label_size=Size.MEDIUM),
            Field("evidence_files", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Field("revised_target_date", context={"legend_size": Size.MEDIUM}),
            Field.textarea("revision_reason", label_size=Size.SMALL, rows=2, max_characters=1000),
            self.submit,
        )

    # --- Milestones (issue 13) ---

    @property
    def from_milestones(self) -> bool:
        return self.subject is not None and self.subject.percent_from_milestones

    def _add_milestones_done(self) -> list:
        """The action's open milestones as checkboxes, "Milestones done"; none, no question.
        Where the percent comes from milestones it is not typed: it is computed on saving."""
        self.milestone_tally = (0, 0)
        if self.subject is None or self.subject.pk is None:
            return []
        self.milestone_tally = services.milestone_counts(self.subject)
        if self.from_milestones:
            del self.fields["percent_complete"]
        open_milestones = self.subject.milestones.open().select_related("owner")
        if not self.milestone_tally[1] - self.milestone_tally[0]:
            return []
        self.fields["milestones_done"] = MilestoneChoiceField(
            label="Milestones done (optional)",
            help_text=(
                f"Tick the milestones this {self.noun} marks done. They are marked done, dated the "
                f"{self.noun}’s date, once it counts."
            ),
            queryset=open_milestones,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["milestones_done"].label_from_instance = lambda m: (
            f"{m.title} (due {m.due_date:%-d %B %Y}, {m.owner.name})"
        )
        if self.instance.pk is not None and not self.is_bound:
            self.initial["milestones_done"] = list(
                self.instance.milestones_done.values_list("pk", flat=True)
            )
        return [Field.checkboxes("milestones_done", legend_size=Size.MEDIUM)]

    def _percent_from_milestones(self) -> HTML:
        done, total = self.milestone_tally
        if total:
            said = f"{done} of {total} milestones done, {self.subject.percent_complete}%"
        else:
            said = f"no milestones yet, so it stays at {self.subject.percent_complete}%"
        return HTML(
            format_html(
                '<div class="govuk-form-group" id="percent-from-milestones">'
                '<h2 class="govuk-heading-m govuk-!-margin-bottom-2">Percent complete</h2>'
                '<p class="govuk-body">Taken from the action’s milestones: {}. Ticking '
                "milestones done below raises it when this {} counts.</p></div>",
                said,
                self.noun,
            )
        )

    def _check_milestones(self, cleaned) -> None:
        """Where the percent comes from milestones, it is what they say once the ticked ones
        are done too, and it must agree with the status."""
        if not self.from_milestones:
            return
        done, total = self.milestone_tally
        chosen = len(cleaned.get("milestones_done") or [])
        percent = services.milestone_percent(done + chosen, total)
        cleaned["percent_complete"] = self.subject.percent_complete if percent is None else percent
        status = cleaned.get("status")
        if status and (problem := services.milestone_problem(status, percent)):
            self.add_error("status", problem)

    def clean(self):
        cleaned = super().clean()
        self._check_milestones(cleaned)
        revised = cleaned.get("revised_target_date")
        if revised and revised < timezone.localdate():
            self.fields["revised_target_date"].mark(PAST_TARGET)
            self.add_error("revised_target_date", PAST_TARGET)
        unusual = self.unusual_answers(cleaned)
        if unusual:
            # Ask, rather than refuse: the question shows only when there is something to
            # confirm, and stays (ticked, if it was) while other answers are put right.
            self.helper.layout.insert(len(self.helper.layout) - 1, Field.checkbox("confirm"))
            if not cleaned.get("confirm"):
                self.add_error("confirm", " ".join(unusual) + " Check and confirm, or change it.")
        return cleaned

    def unusual_answers(self, cleaned) -> list[str]:
        """Answers that may be right but are worth a second look."""
        unusual = []
        percent = cleaned.get("percent_complete")
        before = self.subject.percent_complete if self.subject is not None else None
        if before is not None and percent is not None and percent < before:
            unusual.append(f"Percent complete goes down from {before}% to {percent}%.")
        revised = cleaned.get("revised_target_date")
        if revised and revised > timezone.localdate() + FAR_AHEAD:
            unusual.append(f"The new target date, {revised:%-d %B %Y}, is over 5 years away.")
        return unusual


class ProgressUpdateForm(ProgressRecordForm):
    """What a Forum member reports on a strategy action."""

    submit_label = "Save update"
    text_fields = (
        Field.textarea("narrative", label_size=Size.MEDIUM, rows=6, max_characters=5000),
        Field.textarea("next_steps", label_size=Size.MEDIUM, rows=3, max_characters=2000),
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "status",
            "percent_complete",
            "narrative",
            "next_steps",
            "evidence_url",
            "revised_target_date",
            "revision_reason",
        ]
        field_classes = {"evidence_url": HttpsURLField}
        labels = {
            **RECORD_LABELS,
            "narrative": "What has happened",
            "next_steps": "Next steps (optional)",
        }
        help_texts = {
            **RECORD_HELP,
            "narrative": "What your organisation has done on this action since the last update.",
            # A hint is also needed by crispy-forms-gds 2.0's character count (KeyError without).
            "next_steps": "What your organisation will do next, and by when.",
        }
        error_messages = {
            **RECORD_ERRORS,
            "narrative": {
                "required": "Enter what has happened",
                "max_length": "What has happened must be 5,000 characters or fewer",
            },
            "next_steps": {"max_length": "Next steps must be 2,000 characters or fewer"},
        }


class CouncilInputForm(ProgressRecordForm):
    """What a council officer records on a proposed council action."""

    submit_label = "Save council input"
    noun = "council input"
    text_fields = (
        Field.textarea("commentary", label_size=Size.MEDIUM, rows=6, max_characters=5000),
        Field.text("resources", label_size=Size.MEDIUM),
    )

    class Meta:
        model = CouncilInput
        fields = [
            "status",
            "percent_complete",
            "commentary",
            "resources",
            "evidence_url",
            "revised_target_date",
            "revision_reason",
        ]
        field_classes = {"evidence_url": HttpsURLField}
        labels = {
            **RECORD_LABELS,
            "commentary": "Commentary",
            "resources": "Resources (optional)",
        }
        help_texts = {
            **RECORD_HELP,
            "commentary": "What the council has done on this action, and what comes next.",
            "resources": "For example, “within existing resources”, or an amount such as £5,000.",
        }
        error_messages = {
            **RECORD_ERRORS,
            "commentary": {
                "required": "Enter the commentary",
                "max_length": "The commentary must be 5,000 characters or fewer",
            },
            "resources": {"max_length": "Resources must be 300 characters or fewer"},
        }


class DecisionForm(forms.Form):
    """A decision on a proposal, with its reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="What has the council decided?",
        help_text=(
            "Endorsed is recorded when Cabinet endorses a proposal, as it did the report's six. "
            "Record here what the council has decided since."
        ),
        choices=[c for c in Decision.choices if c[0] != Decision.ENDORSED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        # A hint is also needed by crispy-forms-gds 2.0's character count.
        help_text="Why it was decided, and by whom if not you, for the record.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Give the reason for the decision",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_silent_cuts(self)
        self.helper = gds_helper(
            "version",
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.MEDIUM, rows=4, max_characters=2000),
            Button("submit", "Record the decision"),
        )

    def refuse(self, refusals) -> None:
        """A decision the council's duties do not allow yet (services.DecisionRefused): each
        reason next to the decision, and, in its hint, a link to where it is put right."""
        links = format_html_join(
            " ",
            '<a class="govuk-link" href="{}">{}</a>.',
            ((refusal.link_url, refusal.link_text) for refusal in refusals),
        )
        hint = format_html("{} {}", self.fields["decision"].help_text, links)
        self.fields["decision"].help_text = self["decision"].help_text = hint  # (bound: cached)
        for refusal in refusals:
            self.add_error("decision", refusal.message)


class AddCouncilActionForm(forms.Form):
    """A new proposed council action, added after the report as the plan evolves."""

    text = forms.CharField(
        label="What the council will do",
        help_text="In the words the council uses for it.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter what the council will do",
            "max_length": "The proposed action must be 2,000 characters or fewer",
        },
    )
    responsible_unit = forms.ModelChoiceField(
        label="Responsible council unit",
        queryset=Partner.objects.none(),
        empty_label="Choose a council unit",
        error_messages={"required": "Choose the council unit responsible"},
    )
    lead_officer = forms.ModelChoiceField(
        label="Lead officer (optional)",
        queryset=User.objects.none(),
        empty_label="No lead officer yet",
        required=False,
    )
    original_target_date = GovukDateField(
        what="the target date", label="Target date (optional)", required=False
    )

    def clean_original_target_date(self):
        date = self.cleaned_data.get("original_target_date")
        if date and date < timezone.localdate():
            message = "The target date must be today or in the future"
            self.fields["original_target_date"].mark(message)
            raise forms.ValidationError(message)
        return date

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = units
        self.fields["lead_officer"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.COUNCIL_OFFICER, organisation__in=units
        ).distinct()
        no_silent_cuts(self)
        self.helper = gds_helper(
            Field.textarea("text", label_size=Size.MEDIUM, rows=4, max_characters=2000),
            Field.select("responsible_unit", label_size=Size.MEDIUM),
            Field.select("lead_officer", label_size=Size.MEDIUM),
            Field("original_target_date", context={"legend_size": Size.MEDIUM}),
            Button("submit", "Add the proposed council action"),
        )


# --- Milestones (issue 13) ---

TITLE_ERRORS = {
    "required": "Enter what the milestone is",
    "max_length": "The milestone must be 200 characters or fewer",
}


class MilestoneForm(forms.Form):
    """A milestone's title, due date and owner, added or changed."""

    title = forms.CharField(
        label="Milestone",
        help_text="What is to be done, in a few words, like “First partners’ meeting held”.",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=TITLE_ERRORS,
    )
    due_date = GovukDateField(
        what="the due date", label="Due date", help_text="For example, 31 3 2027."
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        help_text="The organisation that owns the milestone and marks it done.",
        queryset=Partner.objects.none(),
        error_messages={"required": "Choose the organisation that owns the milestone"},
    )

    def __init__(self, *args, owners, submit_label="Add the milestone", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["title"].strip = True
        no_silent_cuts(self)
        self.helper = gds_helper(
            Field.textarea("title", label_size=Size.MEDIUM, rows=2, max_characters=200),
            Field("due_date", context={"legend_size": Size.MEDIUM}),
            Field.select("owner", label_size=Size.MEDIUM),
            Button("submit", submit_label),
        )

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(TITLE_ERRORS["required"])
        return title


NOT_IN_FUTURE = "The date it was done must be today or in the past"


class MilestoneDoneForm(forms.Form):
    """The date a milestone was done: today by default, never in the future."""

    done_on = GovukDateField(
        what="the date it was done",
        label="When was it done?",
        help_text="For example, 27 3 2026.",
        earliest=EARLIEST,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["done_on"].initial = [today.day, today.month, today.year]
        self.helper = gds_helper(
            Field("done_on", context={"legend_size": Size.MEDIUM}),
            Button("submit", "Mark it done"),
        )

    def clean_done_on(self):
        done_on = self.cleaned_data.get("done_on")
        if done_on and done_on > timezone.localdate():
            self.fields["done_on"].mark(NOT_IN_FUTURE)
            raise forms.ValidationError(NOT_IN_FUTURE)
        return done_on


class PercentSourceForm(forms.Form):
    """Where an action's percent complete comes from: its milestones or progress updates."""

    MILESTONES, UPDATES = "milestones", "updates"

    version = forms.IntegerField(widget=forms.HiddenInput)
    source = forms.ChoiceField(
        label="Where does its percent complete come from?",
        choices=[
            (MILESTONES, "Its milestones: the share of them done"),
            (UPDATES, "The number typed in each progress update"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where its percent complete comes from"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            "version",
            Field.radios("source", legend_size=Size.MEDIUM),
            Button("submit", "Save"),
        )
