"""What the API shows of each record, and what it accepts to write.

No record names a person to anonymous callers: records credit their organisation, and
`author_name` is null unless the caller reads the plan (accounts/permissions.sees_people).
Comments are never shown; evidence files only where the caller may see them (views.py).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Partner
from accounts.permissions import sees_people
from actions.models import (
    ActionPartner,
    CouncilAction,
    CouncilInput,
    Milestone,
    ProgressUpdate,
    StrategyAction,
)
from actions.status import Status
from evidence.models import EvidenceFile
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from strategy.models import Strategy
from themes.models import Theme


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "kind"]


class StrategySerializer(serializers.ModelSerializer):
    is_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = Strategy
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "vision",
            "summary",
            "status",
            "plan_years",
            "starts_on",
            "ends_on",
            "adopted_on",
            "reviews_updates",
            "is_published",
            "published_at",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "strategy", "number", "title", "description"]


class ResponsiblePartnerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="partner.id", read_only=True)
    name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = ActionPartner
        fields = ["id", "name", "role"]


class StrategyActionSerializer(serializers.ModelSerializer):
    strategy = serializers.IntegerField(source="theme.strategy_id", read_only=True)
    target_date = serializers.DateField(read_only=True, allow_null=True)
    partners = ResponsiblePartnerSerializer(source="responsible_partners", many=True)
    sub_points = serializers.SerializerMethodField()

    class Meta:
        model = StrategyAction
        fields = [
            "id",
            "reference",
            "text",
            "strategy",
            "theme",
            "status",
            "percent_complete",
            "original_target_date",
            "revised_target_date",
            "target_date",
            "percent_from_milestones",
            "version",
            "partners",
            "sub_points",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sub_points(self, action) -> list[str]:
        return [point.text for point in action.sub_points.all()]


class CouncilActionSerializer(serializers.ModelSerializer):
    target_date = serializers.DateField(read_only=True, allow_null=True)
    responsible_unit = OrganisationSerializer()

    class Meta:
        model = CouncilAction
        fields = [
            "id",
            "reference",
            "text",
            "strategy_action",
            "responsible_unit",
            "status",
            "percent_complete",
            "original_target_date",
            "revised_target_date",
            "target_date",
            "percent_from_milestones",
            "version",
            "decision",
            "decision_reason",
            "decided_on",
            "decided_by_body",
        ]


class EvidenceFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = ["id", "name", "content_type", "size", "uploaded_at", "is_public"]


class _RecordSerializer(serializers.ModelSerializer):
    """What progress updates, council input and indicator values share."""

    organisation = OrganisationSerializer(allow_null=True, read_only=True)
    author_name = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_author_name(self, record) -> str | None:
        request = self.context.get("request")
        if request is None or not sees_people(request.user):
            return None
        return record.author.full_name or record.author.username


RECORD_FIELDS = [
    "id",
    "organisation",
    "author_name",
    "review_state",
    "created_at",
    "submitted_at",
    "reviewed_at",
    "round",
    "status",
    "percent_complete",
    "evidence_url",
    "previous_target_date",
    "revised_target_date",
    "revision_reason",
    "corrects",
]


class ProgressUpdateSerializer(_RecordSerializer):
    evidence_files = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = ["strategy_action", *RECORD_FIELDS, "narrative", "next_steps", "evidence_files"]

    @extend_schema_field(EvidenceFileSerializer(many=True))
    def get_evidence_files(self, record):
        return EvidenceFileSerializer(record.evidence_files.all(), many=True).data


class CouncilInputSerializer(_RecordSerializer):
    evidence_files = serializers.SerializerMethodField()

    class Meta:
        model = CouncilInput
        fields = ["council_action", *RECORD_FIELDS, "commentary", "resources", "evidence_files"]

    @extend_schema_field(EvidenceFileSerializer(many=True))
    def get_evidence_files(self, record):
        return EvidenceFileSerializer(record.evidence_files.all(), many=True).data


class MilestoneSerializer(serializers.ModelSerializer):
    owner = OrganisationSerializer()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "strategy_action",
            "council_action",
            "title",
            "due_date",
            "owner",
            "done_on",
        ]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["value", "date"]


class IndicatorSerializer(serializers.ModelSerializer):
    owner = OrganisationSerializer()
    targets = TargetSerializer(many=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "strategy",
            "name",
            "definition",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "source",
            "frequency",
            "owner",
            "targets",
            "strategy_actions",
            "council_actions",
            "themes",
        ]


class IndicatorValueSerializer(_RecordSerializer):
    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "value",
            "measured_on",
            "note",
            "source",
            "organisation",
            "author_name",
            "review_state",
            "created_at",
            "submitted_at",
            "reviewed_at",
            "round",
        ]


# --- Writes ----------------------------------------------------------------------------------


def _required(what: str) -> dict:
    return {"required": f"Enter {what}", "blank": f"Enter {what}", "null": f"Enter {what}"}


PERCENT_MESSAGES = {
    **_required("the percent complete, from 0 to 100"),
    "invalid": "Percent complete must be a whole number from 0 to 100",
    "min_value": "Percent complete must be between 0 and 100",
    "max_value": "Percent complete must be between 0 and 100",
    "max_string_length": "Percent complete must be between 0 and 100",
}
STATUS_MESSAGES = {
    **_required("the status"),
    "invalid_choice": "Choose a status: " + ", ".join(Status.values),
}
VERSION_HELP = (
    "The action's `version` as you read it: if it has changed since, the answer is 409 with "
    "the action as it is now."
)


class _ProgressWrite(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text=VERSION_HELP,
        error_messages={
            **_required("the version of the action you read"),
            "invalid": "The version must be a whole number",
            "min_value": "The version must be a whole number from 1",
            "max_value": "The version is too large",
            "max_string_length": "The version is too large",
        },
    )
    status = serializers.ChoiceField(choices=Status.choices, error_messages=STATUS_MESSAGES)
    percent_complete = serializers.IntegerField(
        min_value=0, max_value=100, error_messages=PERCENT_MESSAGES
    )
    evidence_url = serializers.URLField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": "Enter a web address that starts with http:// or https://"},
    )
    revised_target_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": "Enter the new target date as YYYY-MM-DD"},
    )
    revision_reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )
    submit = serializers.BooleanField(
        default=True,
        help_text="true (the default) submits it for review; false saves it as a draft.",
    )


class ProgressUpdateWrite(_ProgressWrite):
    strategy_action = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            **_required("the strategy action's id"),
            "invalid": "The strategy action must be given by its id, a whole number",
        },
    )
    narrative = serializers.CharField(
        max_length=5000, error_messages=_required("what has happened")
    )
    next_steps = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class CouncilInputWrite(_ProgressWrite):
    council_action = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            **_required("the proposed council action's id"),
            "invalid": "The proposed council action must be given by its id, a whole number",
        },
    )
    commentary = serializers.CharField(max_length=5000, error_messages=_required("the commentary"))
    resources = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class IndicatorValueWrite(serializers.Serializer):
    indicator = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            **_required("the indicator's id"),
            "invalid": "The indicator must be given by its id, a whole number",
        },
    )
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        error_messages={
            **_required("the value measured"),
            "invalid": "Enter the value as a number, such as 120 or 45.5",
            "max_digits": "The value must have at most 12 digits before the decimal point",
            "max_decimal_places": "The value may have at most 2 decimal places",
            "max_whole_digits": "The value must have at most 12 digits before the decimal point",
            "max_string_length": "The value is too long",
        },
    )
    measured_on = serializers.DateField(
        error_messages={
            **_required("the date it was measured"),
            "invalid": "Enter the date it was measured as YYYY-MM-DD",
        }
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    source = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Each field's messages (those about no one field under non_field_errors).",
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(help_text="The action as it is now, with its new version.")
    latest = serializers.DictField(
        allow_null=True, required=False, help_text="Its latest approved record, if any."
    )
