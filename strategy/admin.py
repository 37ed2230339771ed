from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CorporatePriority,
    DecisionOption,
    DecisionOptionPoint,
    DecisionPassage,
    Recommendation,
    SourceDocument,
    Strategy,
    StrategyElement,
)

CITATION_FIELDS = ("source", "paragraph")


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    fields = ("number", "text", "paragraph")
    extra = 0


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "meeting_date", "responsible_officer_role", "key_decision")
    list_filter = ("meeting", "key_decision", "subject_to_call_in")
    search_fields = ("title", "summary", "responsible_officer_role", "portfolio")
    date_hierarchy = "meeting_date"
    prepopulated_fields = {"slug": ("meeting", "title")}
    inlines = [RecommendationInline]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("number", "text", "source", "paragraph")
    list_filter = ("source",)
    search_fields = ("text",)
    list_select_related = ("source",)


@admin.register(CorporatePriority)
class CorporatePriorityAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "paragraph")
    search_fields = ("title",)
    list_select_related = ("source",)


class StrategyElementInline(admin.TabularInline):
    model = StrategyElement
    fields = ("number", "text", *CITATION_FIELDS)
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "vision", "adopted_on_display", "paragraph")
    list_filter = ("kind", "status", "adoption")
    search_fields = ("title", "vision", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("corporate_priorities",)
    list_select_related = ("source",)
    inlines = [StrategyElementInline]
    # Published only through its publish page, which records who and when (issue 14).
    readonly_fields = ("published_at",)

    @admin.display(description="adopted or noted", ordering="adopted_on")
    def adopted_on_display(self, obj):
        return obj.adopted_on_display


@admin.register(StrategyElement)
class StrategyElementAdmin(admin.ModelAdmin):
    list_display = ("strategy", "number", "text", "paragraph")
    list_filter = ("strategy",)
    search_fields = ("text",)
    list_select_related = ("strategy",)


# The decision, whole (issue 15): seeded from the report; a council records its own here.


class DecisionOptionPointInline(admin.TabularInline):
    model = DecisionOptionPoint
    fields = ("kind", "position", "text", *CITATION_FIELDS)
    extra = 0


@admin.register(DecisionOption)
class DecisionOptionAdmin(SimpleHistoryAdmin):
    list_display = ("strategy", "number", "text", "chosen", "paragraph")
    list_filter = ("strategy", "chosen")
    search_fields = ("text",)
    list_select_related = ("strategy",)
    inlines = [DecisionOptionPointInline]


@admin.register(DecisionPassage)
class DecisionPassageAdmin(SimpleHistoryAdmin):
    list_display = ("strategy", "section", "position", "paragraph", "text")
    list_filter = ("strategy", "section")
    search_fields = ("text",)
    list_select_related = ("strategy",)
    ordering = ("strategy", "section", "position")
