from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, IndicatorTarget, IndicatorValue


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "strategy", "unit", "direction", "owner")
    list_filter = ("direction", "frequency", "strategy")
    search_fields = ("name",)
    list_select_related = ("strategy", "owner")
    autocomplete_fields = ()
    raw_id_fields = ("strategy_actions", "council_actions")
    inlines = [TargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "value", "measured_on", "review_state", "author")
    list_filter = ("review_state",)
    list_select_related = ("indicator", "author")
    raw_id_fields = ("indicator", "author", "organisation", "round")

    def get_queryset(self, request):
        return IndicatorValue.all_records.select_related("indicator", "author")
