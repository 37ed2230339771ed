from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Risk, RiskMitigation, RiskReview


class MitigationInline(admin.TabularInline):
    model = RiskMitigation
    extra = 0
    fields = ("position", "text")


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "strategy", "score", "status", "review_date", "owner")
    list_filter = ("status", "strategy")
    search_fields = ("reference", "description")
    list_select_related = ("strategy", "owner")
    raw_id_fields = ("strategy_action", "council_action", "owner")
    readonly_fields = ("score", "version", "created_by", "created_at")
    inlines = [MitigationInline]


@admin.register(RiskReview)
class RiskReviewAdmin(admin.ModelAdmin):
    list_display = ("risk", "reviewed_at", "reviewed_by", "round", "likelihood", "impact")
    list_select_related = ("risk", "reviewed_by", "round")
    raw_id_fields = ("risk", "reviewed_by", "round")
