from django.contrib import admin
from django.db import models
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
    StrategyAction,
    SubPoint,
)

PROGRESS_FIELDS = ("status", "percent_complete", "original_target_date", "revised_target_date")


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
    readonly_fields = ("created_at", "previous_target_date")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _refresh(self, request, subjects) -> None:
        for subject in {subject.pk: subject for subject in subjects}.values():
            services.refresh_from_records(subject=subject, changed_by=request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._refresh(request, [getattr(obj, self.subject_field)])

    def delete_model(self, request, obj):
        subject = getattr(obj, self.subject_field)
        super().delete_model(request, obj)
        self._refresh(request, [subject])

    def delete_queryset(self, request, queryset):
        subjects = [getattr(record, self.subject_field) for record in queryset]
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
    )
    list_filter = ("status", "round", "organisation")
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
    )
    list_filter = ("status", "organisation")
    search_fields = ("commentary", "council_action__reference", "author__full_name")
    list_select_related = ("council_action", "author", "organisation")
    raw_id_fields = ("council_action", "author")
