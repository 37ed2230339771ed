from django.contrib import admin

from .models import (
    ActionPartner,
    ActionPriority,
    CouncilAction,
    ExistingActivity,
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
class StrategyActionAdmin(admin.ModelAdmin):
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
class CouncilActionAdmin(admin.ModelAdmin):
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
