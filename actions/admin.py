from django import forms
from django.contrib import admin
from django.db import models
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from themes.admin import ThemeAdmin
from themes.models import Theme

from . import services
from .models import (
    ActionPartner,
    ActionPriority,
    CouncilAction,
    CouncilInput,
    ExistingActivity,
    ProgressUpdate,
    ReviewState,
    StrategyAction,
    SubPoint,
)
from .status import percent_problem

PROGRESS_FIELDS = ("status", "percent_complete", "original_target_date", "revised_target_date")


class TrackedActionAdminForm(forms.ModelForm):
    """An administrator setting an action's status by hand is held to the rule progress
    records follow. (Not in the model's clean: the services move an action only from its
    records, and an action saved before the rule must still take a decision.)"""

    def clean(self):
        cleaned = super().clean()
        if problem := percent_problem(cleaned.get("status"), cleaned.get("percent_complete")):
            self.add_error("percent_complete", problem)
        return cleaned


class SubPointInline(admin.TabularInline):
    model = SubPoint
    fields = ("position", "text", "paragraph")
    extra = 0


class ActionPartnerInline(admin.TabularInline):
    model = ActionPartner
    fields = ("partner", "role", "paragraph")
    autocomplete_fields = ("partner",)
    extra = 0


class ActionPriorityInline(admin.TabularInline):
    model = ActionPriority
    fields = ("priority", "paragraph")
    extra = 0


class ExistingActivityInline(admin.StackedInline):
    model = ExistingActivity
    fields = ("position", "text", "paragraph")
    extra = 0


class CouncilActionInline(admin.StackedInline):
    model = CouncilAction
    form = TrackedActionAdminForm
    fields = ("position", "reference", "text", "responsible_unit", *PROGRESS_FIELDS, "paragraph")
    autocomplete_fields = ("responsible_unit",)
    extra = 0
    show_change_link = True


class StrategyActionInline(admin.TabularInline):
    model = StrategyAction
    fields = ("position", "reference", "text", "status", "percent_complete")
    extra = 0
    show_change_link = True


# A theme's page in the admin lists its strategy actions. Themes sit below the plan, so
# the plan's app extends their admin rather than the themes app importing the plan.
admin.site.unregister(Theme)


@admin.register(Theme)
class ThemeWithActionsAdmin(ThemeAdmin):
    inlines = [StrategyActionInline, *ThemeAdmin.inlines]


@admin.register(StrategyAction)
class StrategyActionAdmin(SimpleHistoryAdmin):
    form = TrackedActionAdminForm
    list_display = ("reference", "text", "theme", "status", "percent_complete", "paragraph")
    list_display_links = ("reference", "text")
    list_filter = ("theme__strategy", "theme", "status", "partners")
    search_fields = ("reference", "text", "sub_points__text")
    list_select_related = ("theme__strategy",)
    fieldsets = [
        (None, {"fields": ("theme", "position", "reference", "text")}),
        ("Progress", {"fields": PROGRESS_FIELDS}),
        ("Citation", {"fields": ("source", "paragraph")}),
    ]
    inlines = [
        SubPointInline,
        ActionPartnerInline,
        ActionPriorityInline,
        ExistingActivityInline,
        CouncilActionInline,
    ]


@admin.register(CouncilAction)
class CouncilActionAdmin(SimpleHistoryAdmin):
    form = TrackedActionAdminForm
    list_display = (
        "reference",
        "text",
        "strategy_action",
        "responsible_unit",
        "status",
        "percent_complete",
    )
    list_display_links = ("reference", "text")
    list_filter = ("status", "responsible_unit", "strategy_action__theme__strategy")
    search_fields = ("reference", "text", "strategy_action__text")
    list_select_related = ("strategy_action", "responsible_unit")
    autocomplete_fields = ("responsible_unit",)
    # Switched on its own page, which recomputes the percent (actions/services.py).
    readonly_fields = ("percent_from_milestones",)


@admin.register(SubPoint)
class SubPointAdmin(admin.ModelAdmin):
    list_display = ("strategy_action", "position", "text")
    search_fields = ("text",)
    list_select_related = ("strategy_action",)


@admin.register(ActionPartner)
class ActionPartnerAdmin(admin.ModelAdmin):
    list_display = ("strategy_action", "partner", "role", "paragraph")
    list_filter = ("role", "partner")
    search_fields = ("partner__name", "strategy_action__text")
    list_select_related = ("strategy_action", "partner")


@admin.register(ActionPriority)
class ActionPriorityAdmin(admin.ModelAdmin):
    list_display = ("strategy_action", "priority", "paragraph")
    list_filter = ("priority",)
    list_select_related = ("strategy_action", "priority")


@admin.register(ExistingActivity)
class ExistingActivityAdmin(admin.ModelAdmin):
    list_display = ("strategy_action", "position", "text")
    search_fields = ("text",)
    list_select_related = ("strategy_action",)


class ProgressRecordAdmin(SimpleHistoryAdmin):
    """Administrators may correct or delete a progress record; every correction is kept in
    its history, and the action then stands where its newest record leaves it (through
    the service, as every other write does)."""

    subject_field = ""  # the record's action: "strategy_action" or "council_action"
    date_hierarchy = "created_at"
    # The review state moves only through a review (monitoring/services.py), never by hand.
    readonly_fields = (
        "created_at",
        "previous_target_date",
        "review_state",
        "review_comment",
        "round",
        "correction_reason",
    )
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The milestones a record marks done are chosen in its form and shown on its review page
    # (issue 13); a list of every milestone of the plan has no place here.
    exclude = ("milestones_done",)

    def has_change_permission(self, request, obj=None):
        # Approved in a closed round: kept as it was (a correction is a new update).
        return super().has_change_permission(request, obj) and not (obj and obj.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_locked)

    def get_queryset(self, request):
        # Every record, whatever its review state (the default manager holds approved ones).
        return self.model.all_records.get_queryset()

    def get_readonly_fields(self, request, obj=None):
        # A record stays with its action: moving it would leave the old action pointing at it.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, self.subject_field) if obj is not None else fields

    def _lock(self, subjects) -> None:
        """Lock the actions first, as the services do, so writers never wait on each other
        in opposite orders (the dashboard's freshness counter is locked after them)."""
        for subject in subjects:
            list(type(subject).objects.select_for_update().filter(pk=subject.pk).values("pk"))

    def _refresh(self, request, subjects) -> None:
        for subject in {subject.pk: subject for subject in subjects}.values():
            services.refresh_from_records(subject=subject, changed_by=request.user)

    def save_model(self, request, obj, form, change):
        subject = getattr(obj, self.subject_field)
        self._lock([subject])
        if not change:
            # A record an administrator adds is a correction made by the one who may make
            # it: approved by them, as it counted before review existed.
            obj.review_state = ReviewState.APPROVED
            obj.submitted_at = obj.reviewed_at = timezone.now()
            obj.reviewed_by = request.user
        super().save_model(request, obj, form, change)
        self._refresh(request, [subject])

    def delete_model(self, request, obj):
        subject = getattr(obj, self.subject_field)
        self._lock([subject])
        super().delete_model(request, obj)
        self._refresh(request, [subject])

    def delete_queryset(self, request, queryset):
        subjects = [
            getattr(record, self.subject_field)
            for record in queryset.select_related(self.subject_field)
        ]
        self._lock(subjects)
        super().delete_queryset(request, queryset)
        self._refresh(request, subjects)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ProgressRecordAdmin):
    subject_field = "strategy_action"
    list_display = (
        "strategy_action",
        "created_at",
        "author",
        "organisation",
        "status",
        "percent_complete",
        "review_state",
    )
    list_filter = ("review_state", "status", "round", "organisation")
    search_fields = ("narrative", "next_steps", "strategy_action__reference", "author__full_name")
    list_select_related = ("strategy_action", "author", "organisation")
    raw_id_fields = ("strategy_action", "author")


@admin.register(CouncilInput)
class CouncilInputAdmin(ProgressRecordAdmin):
    subject_field = "council_action"
    list_display = (
        "council_action",
        "created_at",
        "author",
        "organisation",
        "status",
        "percent_complete",
        "review_state",
    )
    list_filter = ("review_state", "status", "organisation")
    search_fields = ("commentary", "council_action__reference", "author__full_name")
    list_select_related = ("council_action", "author", "organisation")
    raw_id_fields = ("council_action", "author")
