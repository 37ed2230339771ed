from django.contrib import admin

from .models import Download


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    """Files made in the background: administrators see each job, and any that failed."""

    list_display = ("kind", "status", "requested_by", "requested_at", "attempts", "finished_at")
    list_filter = ("status", "kind")
    list_select_related = ("requested_by",)
    readonly_fields = [field.name for field in Download._meta.fields]

    def has_add_permission(self, request):
        return False  # asked for from the plan and the report, made by the worker

    def has_change_permission(self, request, obj=None):
        return False
