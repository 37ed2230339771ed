"""The API's read and write endpoints (/api/v1/…).

Reads: who sees what is decided here, through accounts/permissions.py. A caller who reads the
plan (`reads_whole_plan`) sees every strategy, every approved record and the records not yet
approved that the pages would show them (`pending_seen_by`, `indicator_values_seen_by`);
anyone else sees what the public site shows: published strategies, approved records, evidence
files marked public, organisations rather than people. Every list is read in a fixed number of
queries (select_related / prefetch_related), a page at a time (cursor pagination).

Writes go through the same services, permission checks and version check as the pages.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.permissions import (
    APPROVED,
    check_can_record_council_input,
    check_can_record_indicator_value,
    check_can_update_action,
    indicator_values_seen_by,
    pending_seen_by,
    reads_whole_plan,
)
from actions import selectors, services
from actions.models import (
    ActionPartner,
    CouncilAction,
    CouncilInput,
    Milestone,
    ProgressUpdate,
    StrategyAction,
)
from evidence.models import EvidenceFile
from indicators import services as indicator_services
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from strategy.models import Strategy
from themes.models import Theme

from . import filters, serializers
from .errors import conflict

#: A record's id in the path: a whole number (anything else is "not found", as JSON).
RECORD_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The record's id."
)


def one(summary: str):
    return extend_schema(summary=summary, parameters=[RECORD_ID])


#: How long a shared cache may keep an anonymous answer (the public data moves slowly).
PUBLIC_MAX_AGE = 60


def visible_strategies(user):
    strategies = Strategy.objects.all()
    return strategies if reads_whole_plan(user) else strategies.published()


def _published(user, lookup: str) -> Q:
    """The condition that a record's strategy is visible: nothing for plan readers."""
    return Q() if reads_whole_plan(user) else Q(**{f"{lookup}published_at__isnull": False})


def _records(user, model, strategy_lookup: str):
    """Progress updates or council input a caller may see: approved ones of visible strategies,
    and for plan readers the pending ones the pages would show them."""
    records = model.all_records.filter(_published(user, strategy_lookup))
    if not reads_whole_plan(user):
        return records.filter(review_state=APPROVED)
    pending = pending_seen_by(user, model.all_records.all())
    return records.filter(Q(review_state=APPROVED) | Q(pk__in=pending.values("pk")))


def _evidence(user) -> Prefetch:
    files = EvidenceFile.objects.order_by("uploaded_at", "pk")
    if not reads_whole_plan(user):
        files = files.filter(is_public=True)
    return Prefetch("evidence_files", queryset=files)


class _ReadViewSet(viewsets.ReadOnlyModelViewSet):
    # A list and a detail. Ids in the path that are not whole numbers are "not found" (JSON),
    # never a fault. (A comment, not a docstring: the schema would show it for every endpoint.)

    lookup_value_regex = r"[^/]+"

    def get_object(self):
        value = self.kwargs.get(self.lookup_field, "")
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise NotFound()
        return super().get_object()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers for a signed-in caller are theirs alone; anonymous ones the same for everyone.
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        elif response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


@extend_schema_view(
    list=extend_schema(summary="List strategies"),
    retrieve=one("One strategy"),
)
class StrategyViewSet(_ReadViewSet):
    serializer_class = serializers.StrategySerializer
    filterset_class = filters.StrategyFilter

    def get_queryset(self):
        return visible_strategies(self.request.user)


@extend_schema_view(list=extend_schema(summary="List themes"), retrieve=one("One theme"))
class ThemeViewSet(_ReadViewSet):
    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilter

    def get_queryset(self):
        return Theme.objects.filter(_published(self.request.user, "strategy__"))


class _PlanOrder:
    # Actions a page at a time in plan order (one indexed number, actions/ordering.py).

    ordering = ("plan_position", "id")


@extend_schema_view(
    list=extend_schema(summary="List strategy actions"),
    retrieve=one("One strategy action"),
)
class StrategyActionViewSet(_PlanOrder, _ReadViewSet):
    serializer_class = serializers.StrategyActionSerializer
    filterset_class = filters.ActionFilter

    def get_queryset(self):
        return (
            StrategyAction.objects.filter(_published(self.request.user, "theme__strategy__"))
            .select_related("theme")
            .prefetch_related(
                Prefetch(
                    "responsible_partners",
                    queryset=ActionPartner.objects.select_related("partner"),
                ),
                "sub_points",
            )
        )


@extend_schema_view(
    list=extend_schema(summary="List proposed council actions"),
    retrieve=one("One proposed council action"),
)
class CouncilActionViewSet(_PlanOrder, _ReadViewSet):
    serializer_class = serializers.CouncilActionSerializer
    filterset_class = filters.CouncilActionFilter

    def get_queryset(self):
        return CouncilAction.objects.filter(
            _published(self.request.user, "strategy_action__theme__strategy__")
        ).select_related("responsible_unit")


class _WriteMixin(mixins.CreateModelMixin):
    # POST a record through its service; the answer is the record as saved (201).

    write_serializer_class = None

    def get_serializer_class(self):
        if self.action == "create":
            return self.write_serializer_class
        return self.serializer_class

    def create(self, request, *args, **kwargs):
        incoming = self.write_serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        return self.save(dict(incoming.validated_data))

    def created(self, record) -> Response:
        record = self.get_queryset().get(pk=record.pk)
        data = self.serializer_class(record, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


def _subject(queryset, pk: int):
    """The action a write names, if the caller may see it; else 400 on that field."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({SUBJECT_FIELD[queryset.model]: "No such record that you can see"})
    return found


#: The field of a write that names its action or indicator.
SUBJECT_FIELD = {
    StrategyAction: "strategy_action",
    CouncilAction: "council_action",
    Indicator: "indicator",
}

CONFLICT_RESPONSE = OpenApiResponse(
    serializers.ConflictSerializer,
    description="The action changed since `version` was read: nothing was saved.",
)


@extend_schema_view(
    list=extend_schema(summary="List progress updates"),
    retrieve=one("One progress update"),
    create=extend_schema(
        summary="Post a progress update on a strategy action",
        request=serializers.ProgressUpdateWrite,
        responses={201: serializers.ProgressUpdateSerializer, 409: CONFLICT_RESPONSE},
    ),
)
class ProgressUpdateViewSet(_WriteMixin, _ReadViewSet):
    serializer_class = serializers.ProgressUpdateSerializer
    write_serializer_class = serializers.ProgressUpdateWrite
    filterset_class = filters.ProgressUpdateFilter
    ordering = "-id"

    def get_queryset(self):
        user = self.request.user
        return (
            _records(user, ProgressUpdate, "strategy_action__theme__strategy__")
            .select_related("organisation", "author")
            .prefetch_related(_evidence(user))
        )

    def save(self, data):
        user = self.request.user
        action = _subject(
            selectors.action_for_update().filter(_published(user, "theme__strategy__")),
            data.pop("strategy_action"),
        )
        check_can_update_action(user, action)
        return _post_progress(self, action, data, services.post_progress_update)


@extend_schema_view(
    list=extend_schema(summary="List council input"),
    retrieve=one("One council input"),
    create=extend_schema(
        summary="Record council input on a proposed council action",
        request=serializers.CouncilInputWrite,
        responses={201: serializers.CouncilInputSerializer, 409: CONFLICT_RESPONSE},
    ),
)
class CouncilInputViewSet(_WriteMixin, _ReadViewSet):
    serializer_class = serializers.CouncilInputSerializer
    write_serializer_class = serializers.CouncilInputWrite
    filterset_class = filters.CouncilInputFilter
    ordering = "-id"

    def get_queryset(self):
        user = self.request.user
        return (
            _records(user, CouncilInput, "council_action__strategy_action__theme__strategy__")
            .select_related("organisation", "author")
            .prefetch_related(_evidence(user))
        )

    def save(self, data):
        user = self.request.user
        council_action = _subject(
            CouncilAction.objects.select_related("strategy_action__theme__strategy").filter(
                _published(user, "strategy_action__theme__strategy__")
            ),
            data.pop("council_action"),
        )
        check_can_record_council_input(user, council_action)
        return _post_progress(self, council_action, data, services.record_council_input)


def _post_progress(view, subject, data: dict, create) -> Response:
    """As the pages do (actions/views.progress_form_page): the organisation's draft or returned
    record on the action is revised, else a new one is made; a stale version is refused (409,
    with the action as it is now and its latest record)."""
    user = view.request.user
    version, submit = data.pop("version"), data.pop("submit")
    draft = services.open_record(subject, user.organisation_id)
    try:
        with transaction.atomic():
            if draft is None:
                field = SUBJECT_FIELD[type(subject)]
                record = create(
                    **{field: subject},
                    author=user,
                    expected_version=version,
                    submit=submit,
                    **data,
                )
            else:
                record = services.revise_record(
                    record=draft, author=user, expected_version=version, submit=submit, **data
                )
    except services.StaleEdit as stale:
        return _stale(view, stale, version)
    except services.RecordMoved as moved:
        state = moved.record.get_review_state_display().lower()
        return conflict(f"Your organisation’s draft on this action is now {state}: try again.")
    return view.created(record)


def _stale(view, stale: services.StaleEdit, sent: int) -> Response:
    context = view.get_serializer_context()
    if isinstance(stale.subject, StrategyAction):
        subject = StrategyActionViewSet.serializer_class
        record = serializers.ProgressUpdateSerializer
        current = StrategyActionViewSet(request=view.request).get_queryset()
    else:
        subject = CouncilActionViewSet.serializer_class
        record = serializers.CouncilInputSerializer
        current = CouncilActionViewSet(request=view.request).get_queryset()
    now = current.get(pk=stale.subject.pk)
    latest = None
    if stale.latest is not None:
        latest = record(
            type(stale.latest)
            .all_records.prefetch_related(_evidence(view.request.user))
            .get(pk=stale.latest.pk),
            context=context,
        ).data
    return conflict(
        f"{now.reference} has changed since you read version {sent}: nothing was saved. It is "
        f"now at version {now.version}: read it again, and send that version.",
        current=subject(now, context=context).data,
        latest=latest,
    )


@extend_schema_view(
    list=extend_schema(summary="List milestones"),
    retrieve=one("One milestone"),
)
class MilestoneViewSet(_ReadViewSet):
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filters.MilestoneFilter

    def get_queryset(self):
        user = self.request.user
        if reads_whole_plan(user):
            milestones = Milestone.objects.all()
        else:
            milestones = Milestone.objects.filter(
                Q(strategy_action__theme__strategy__published_at__isnull=False)
                | Q(council_action__strategy_action__theme__strategy__published_at__isnull=False)
            )
        return milestones.select_related("owner")


@extend_schema_view(
    list=extend_schema(summary="List indicators"),
    retrieve=one("One indicator"),
)
class IndicatorViewSet(_ReadViewSet):
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter

    def get_queryset(self):
        return (
            Indicator.objects.filter(_published(self.request.user, "strategy__"))
            .select_related("owner")
            .prefetch_related(
                Prefetch("targets", queryset=IndicatorTarget.objects.order_by("date")),
                Prefetch("strategy_actions", queryset=StrategyAction.objects.only("pk")),
                Prefetch("council_actions", queryset=CouncilAction.objects.only("pk")),
                Prefetch("themes", queryset=Theme.objects.only("pk")),
            )
        )


@extend_schema_view(
    list=extend_schema(summary="List indicator values"),
    retrieve=one("One indicator value"),
    create=extend_schema(
        summary="Record a measured value of an indicator",
        request=serializers.IndicatorValueWrite,
        responses={201: serializers.IndicatorValueSerializer},
    ),
)
class IndicatorValueViewSet(_WriteMixin, _ReadViewSet):
    serializer_class = serializers.IndicatorValueSerializer
    write_serializer_class = serializers.IndicatorValueWrite
    filterset_class = filters.IndicatorValueFilter
    ordering = "-id"

    def get_queryset(self):
        user = self.request.user
        values = IndicatorValue.all_records.filter(_published(user, "indicator__strategy__"))
        if reads_whole_plan(user):
            pending = indicator_values_seen_by(user, IndicatorValue.all_records.all())
            values = values.filter(Q(review_state=APPROVED) | Q(pk__in=pending.values("pk")))
        else:
            values = values.filter(review_state=APPROVED)
        return values.select_related("organisation", "author")

    def save(self, data):
        user = self.request.user
        indicator = _subject(
            Indicator.objects.select_related("owner").filter(_published(user, "strategy__")),
            data.pop("indicator"),
        )
        check_can_record_indicator_value(user, indicator)
        with transaction.atomic():
            record = indicator_services.record_value(indicator=indicator, author=user, **data)
        return self.created(record)
