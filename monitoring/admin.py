from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MonitoringRound, ReminderLog


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
