from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionPartner,
    ActionPriority,
    CouncilAction,
    ExistingActivity,
    MonitoringRound,
    ProgressUpdate,
    ReminderLog,
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
    list_display = ("action", "position", "text")
    search_fields = ("text",)
    list_select_related = ("action",)


@admin.register(ActionPartner)
class ActionPartnerAdmin(admin.ModelAdmin):
    list_display = ("action", "partner", "role", "paragraph")
    list_filter = ("role", "partner")
    search_fields = ("partner__name", "action__text")
    list_select_related = ("action", "partner")


@admin.register(ActionPriority)
class ActionPriorityAdmin(admin.ModelAdmin):
    list_display = ("action", "priority", "paragraph")
    list_filter = ("priority",)
    list_select_related = ("action", "priority")


@admin.register(ExistingActivity)
class ExistingActivityAdmin(admin.ModelAdmin):
    list_display = ("action", "position", "text")
    search_fields = ("text",)
    list_select_related = ("action",)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    """Administrators may correct an update; every correction is kept in its history."""

    list_display = ("action", "created_at", "author", "organisation", "status", "percent_complete")
    list_filter = ("status", "round", "organisation")
    search_fields = ("narrative", "next_steps", "action__reference", "author__full_name")
    list_select_related = ("action", "author", "organisation")
    date_hierarchy = "created_at"
    raw_id_fields = ("action", "author")
    readonly_fields = ("created_at", "previous_target_date")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(SimpleHistoryAdmin):
    list_display = ("name", "state", "period_start", "period_end", "due_date", "opened_by")
    list_filter = ("state",)
    search_fields = ("name",)
    list_select_related = ("opened_by",)
    readonly_fields = ("opened_at",)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("recipient", "round", "sent_on", "action_count")
    list_filter = ("round", "sent_on")
    list_select_related = ("recipient", "round")

    def has_add_permission(self, request):
        return False  # written only by the reminders command
