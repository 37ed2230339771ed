from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EqualityAssessment, ProtectedCharacteristic, SocialValue


@admin.register(ProtectedCharacteristic)
class ProtectedCharacteristicAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "paragraph")


@admin.register(EqualityAssessment)
class EqualityAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "state", "outcome", "affects_groups", "assessed_on", "updated_at")
    list_filter = ("state", "outcome", "affects_groups")
    list_select_related = ("strategy", "strategy_action", "council_action")
    raw_id_fields = ("strategy_action", "council_action")
    readonly_fields = ("version", "updated_at", "updated_by")


@admin.register(SocialValue)
class SocialValueAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "involves_procurement", "consultation_needed", "updated_at")
    list_filter = ("involves_procurement",)
    list_select_related = ("council_action",)
    raw_id_fields = ("council_action",)
    readonly_fields = ("version", "updated_at", "updated_by")
